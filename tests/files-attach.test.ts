import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandEnvelope } from './helpers/commands.js';
import { download, MiB, pdfBytes, pngBytes, sha256, upload } from './helpers/files.js';
import { criminalTransfer } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';
import { waitFor } from './helpers/wait.js';

/**
 * Decree 310 Art 6: the package travels with the referral. Files are uploaded, then named by hash in the
 * submission (or a supplement); the ledger lists each with its size and type, every message carries the
 * download URL, and the parties (a forwarded recipient too) download them. At most 4 files per referral here.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub({
    env: { RATE_LIMIT_PER_SECOND: '100000', REFERRAL_FILES_MAX_COUNT: '4' },
  });
});
afterAll(async () => {
  await hub?.close();
});

/** Uploads fresh PDF bytes as `as` and returns the bytes and their hash. */
async function uploaded(as: string, size = 64 * 1024) {
  const bytes = pdfBytes(size);
  const answer = await upload(hub, as, bytes);
  expect(answer.status).toBe(201);
  return { bytes, hash: sha256(bytes) };
}

/** The fixture's package with the transfer letter as an uploaded file instead of paper. */
function withLetter(hash: string, more: Record<string, unknown>[] = []) {
  const base = criminalTransfer();
  const [letter, ...rest] = base.documents;
  return {
    ...base,
    documents: [{ ...letter!, sha256: hash, paper: undefined }, ...rest, ...more],
  };
}

const ledgerOf = async (id: string) =>
  (await hub.request('enf-a', 'GET', `/v1/referrals/${id}`)).body.ledger as {
    event: string;
    payload: Record<string, any>;
  }[];

describe('files attached to a referral', () => {
  it('lists each file on the ledger with hash, size and type, and sends the police a download URL', async () => {
    const letter = await uploaded('enf-a', 2 * MiB + 5);
    const submitted = await hub.request('enf-a', 'POST', '/v1/referrals', withLetter(letter.hash));
    expect(submitted.status).toBe(201);
    const id = submitted.body.id as string;
    const url = `/v1/referrals/${id}/files/${letter.hash}`;

    const [event] = await ledgerOf(id);
    expect(event!.payload.documents[0]).toEqual({
      type: 'transfer_letter',
      title: '涉嫌犯罪案件移送书',
      sha256: letter.hash,
      size: letter.bytes.length,
      mediaType: 'application/pdf',
      url,
    });
    // A paper document travels as hash and title only.
    expect(event!.payload.documents[1]).toMatchObject({ paper: true });
    expect(event!.payload.documents[1]).not.toHaveProperty('url');

    const inbox = await hub.inbox('pol-a');
    const delivered = await waitFor(
      () =>
        inbox.received.find((r) => r.envelope.referralId === id && r.envelope.type === 'referral.submitted'),
      'the transfer reaches the police',
    );
    expect(delivered.envelope.payload.data.documents[0]).toMatchObject({ sha256: letter.hash, url });
    // The bytes never travel over RabbitMQ.
    expect(delivered.message.content.length).toBeLessThan(16 * 1024);

    const got = await download(hub, 'pol-a', url);
    expect(got.status).toBe(200);
    expect(sha256(got.bytes)).toBe(letter.hash);
    expect((await download(hub, 'enf-b', url)).status).toBe(404);
    // The referral view lists the file, with its URL for a party.
    const view = await hub.request('pol-a', 'GET', `/v1/referrals/${id}`);
    expect(view.body.files).toEqual([
      expect.objectContaining({ sha256: letter.hash, documentType: 'transfer_letter', url }),
    ]);
  });

  it('never uses a title as a path: a traversal title is text, and the download is named by its hash', async () => {
    const file = await uploaded('enf-a');
    const transfer = withLetter(file.hash);
    transfer.documents[0] = { ...transfer.documents[0]!, title: '../../etc/passwd' };
    const id = (await hub.request('enf-a', 'POST', '/v1/referrals', transfer)).body.id as string;
    const got = await download(hub, 'pol-a', `/v1/referrals/${id}/files/${file.hash}`);
    expect(got.status).toBe(200);
    expect(got.headers['content-disposition']).toBe(`attachment; filename="${file.hash}.pdf"`);
    const view = await hub.request('pol-a', 'GET', `/v1/referrals/${id}`);
    expect(view.body.files[0]).toMatchObject({ title: '../../etc/passwd', sha256: file.hash });
  });

  it('refuses a document whose file the agency did not upload, naming it, over HTTP and AMQP', async () => {
    const others = await uploaded('enf-b');
    const refused = await hub.request('enf-a', 'POST', '/v1/referrals', withLetter(others.hash));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'DOCUMENT_NOT_UPLOADED',
      details: { path: 'documents.0', sha256: others.hash },
    });
    expect(refused.body.message).toContain('涉嫌犯罪案件移送书');
    const never = 'e'.repeat(64);
    expect((await hub.request('enf-a', 'POST', '/v1/referrals', withLetter(never))).body.code).toBe(
      'DOCUMENT_NOT_UPLOADED',
    );

    const messageId = randomUUID();
    await hub.sendCommand(
      'enf-a',
      commandEnvelope('enf-a', 'command.submit', withLetter(never), { messageId }),
    );
    const inbox = await hub.inbox('enf-a');
    const rejected = await waitFor(
      () =>
        inbox.received.find(
          (r) => r.envelope.type === 'command.rejected' && r.envelope.causationId === messageId,
        ),
      'the rejection notice',
    );
    expect(rejected.envelope.payload).toMatchObject({ code: 'DOCUMENT_NOT_UPLOADED' });
  });

  it('keeps a referral within its file count, also when a supplement would pass it', async () => {
    const files = await Promise.all([1, 2, 3, 4, 5].map(() => uploaded('enf-a', 1024)));
    const doc = (hash: string) => ({ type: 'other', title: '现场照片', sha256: hash });
    const tooMany = await hub.request(
      'enf-a',
      'POST',
      '/v1/referrals',
      withLetter(
        files[0]!.hash,
        files.slice(1).map((f) => doc(f.hash)),
      ),
    );
    expect(tooMany.status).toBe(413);
    expect(tooMany.body).toMatchObject({
      code: 'REFERRAL_FILES_TOO_MANY',
      details: { count: 5, maxCount: 4 },
    });

    const id = (
      await hub.request(
        'enf-a',
        'POST',
        '/v1/referrals',
        withLetter(
          files[0]!.hash,
          files.slice(1, 3).map((f) => doc(f.hash)),
        ),
      )
    ).body.id as string;
    await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, { action: 'receipt' });
    await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, {
      action: 'request_supplement',
      items: ['现场照片'],
    });
    const supplement = (hashes: string[]) =>
      hub.request('enf-a', 'POST', `/v1/referrals/${id}/actions`, {
        action: 'supplement',
        documents: hashes.map(doc),
      });
    // The same file twice counts once; a fifth one is too many.
    expect((await supplement([files[3]!.hash, files[4]!.hash])).body.code).toBe('REFERRAL_FILES_TOO_MANY');
    const added = await supplement([files[3]!.hash, files[0]!.hash]);
    expect(added.status).toBe(200);
    const supplemented = (await ledgerOf(id)).at(-1)!;
    expect(supplemented.event).toBe('supplemented');
    expect(
      supplemented.payload.documents.map((d: { sha256: string; size: number }) => [d.sha256, d.size]),
    ).toEqual([
      [files[3]!.hash, 1024],
      [files[0]!.hash, 1024],
    ]);
    expect((await download(hub, 'pol-a', `/v1/referrals/${id}/files/${files[3]!.hash}`)).status).toBe(200);
  });

  it('hands the files to the organ a transfer is forwarded to, and back to the agency with a decline', async () => {
    const letter = await uploaded('enf-a');
    const id = (await hub.request('enf-a', 'POST', '/v1/referrals', withLetter(letter.hash))).body
      .id as string;
    const url = `/v1/referrals/${id}/files/${letter.hash}`;
    expect((await download(hub, 'sup', url)).status).toBe(404);
    await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, { action: 'receipt' });
    const forwarded = await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, {
      action: 'forward',
      to: 'sup',
      reason: '涉嫌职务犯罪，属监察委员会管辖',
    });
    expect(forwarded.status).toBe(200);
    expect((await ledgerOf(id)).at(-1)!.payload.documents).toEqual([
      expect.objectContaining({ sha256: letter.hash, url, mediaType: 'application/pdf' }),
    ]);
    const got = await download(hub, 'sup', url);
    expect(got.status).toBe(200);
    expect(sha256(got.bytes)).toBe(letter.hash);

    const second = await uploaded('enf-a');
    const other = (await hub.request('enf-a', 'POST', '/v1/referrals', withLetter(second.hash))).body
      .id as string;
    await hub.request('pol-a', 'POST', `/v1/referrals/${other}/actions`, { action: 'receipt' });
    await hub.request('pol-a', 'POST', `/v1/referrals/${other}/actions`, {
      action: 'decline',
      reasonCode: 'no_crime_facts',
      reasons: '没有犯罪事实',
    });
    const declined = (await ledgerOf(other)).at(-1)!;
    expect(declined.payload).toMatchObject({ documentsReturned: true });
    expect(declined.payload.documents.map((d: { sha256: string }) => d.sha256)).toEqual([second.hash]);
  });

  it('lets the police state the files they checked and report one that does not match', async () => {
    const letter = await uploaded('enf-a');
    const photo = pngBytes();
    expect([200, 201]).toContain((await upload(hub, 'enf-a', photo)).status);
    const id = (
      await hub.request(
        'enf-a',
        'POST',
        '/v1/referrals',
        withLetter(letter.hash, [{ type: 'other', title: '现场照片', sha256: sha256(photo) }]),
      )
    ).body.id as string;
    const notOurs = 'f'.repeat(64);
    const wrongReceipt = await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, {
      action: 'receipt',
      filesChecked: [letter.hash, notOurs],
    });
    expect(wrongReceipt.status).toBe(400);
    expect(wrongReceipt.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { path: 'filesChecked.1' },
    });
    const receipted = await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, {
      action: 'receipt',
      filesChecked: [letter.hash],
    });
    expect(receipted.status).toBe(200);
    expect((await ledgerOf(id)).at(-1)!.payload).toMatchObject({ filesChecked: [letter.hash] });

    const reported = await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, {
      action: 'report_file_mismatch',
      sha256s: [sha256(photo)],
      note: '照片无法打开',
    });
    expect(reported.status).toBe(200);
    expect(reported.body.state).toBe('receipted');
    expect((await ledgerOf(id)).at(-1)).toMatchObject({
      event: 'file_mismatch_reported',
      payload: { sha256s: [sha256(photo)], note: '照片无法打开' },
    });
    const agency = await hub.inbox('enf-a');
    await waitFor(
      () =>
        agency.received.find(
          (r) => r.envelope.referralId === id && r.envelope.type === 'referral.file_mismatch_reported',
        ),
      'the agency is told of the mismatch',
    );
    expect(
      (
        await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, {
          action: 'report_file_mismatch',
          sha256s: [notOurs],
        })
      ).body.code,
    ).toBe('VALIDATION_FAILED');
  });
});
