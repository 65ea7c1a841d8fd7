import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesOf, linkFiles } from '../db/files.js';
import { fileDownloadPath } from '../schemas/files.js';
import { download, MiB, pdfBytes, sha256, upload } from './helpers/files.js';
import { criminalTransfer } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';

let hub: TestHub;
let referral = '';
let other = '';
const bytes = pdfBytes(2 * MiB + 1234);
const hash = sha256(bytes);
let url = '';

beforeAll(async () => {
  hub = await createTestHub({ env: { RATE_LIMIT_PER_SECOND: '100000' } });
  expect((await upload(hub, 'enf-a', bytes)).status).toBe(201);
  // The investigation report as an uploaded file; the other documents on paper.
  const transfer = criminalTransfer();
  transfer.documents[1] = { type: 'investigation_report', title: '调查报告', sha256: hash } as never;
  referral = (await hub.request('enf-a', 'POST', '/v1/referrals', transfer)).body.id;
  other = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
  // Linking again links nothing new.
  expect(await linkFiles(hub.db, referral, [hash])).toBe(0);
  url = fileDownloadPath(referral, hash);
});
afterAll(async () => {
  await hub?.close();
});

describe('GET /v1/referrals/:id/files/:sha256', () => {
  it('streams the bytes to a party with ETag, Content-Length, Content-Type and Accept-Ranges', async () => {
    const got = await download(hub, 'pol-a', url);
    expect(got.status).toBe(200);
    expect(sha256(got.bytes)).toBe(hash);
    expect(got.headers).toMatchObject({
      etag: `"${hash}"`,
      'content-length': String(bytes.length),
      'content-type': 'application/pdf',
      'accept-ranges': 'bytes',
      'x-content-type-options': 'nosniff',
      'content-disposition': `attachment; filename="${hash}.pdf"`,
    });
    expect(await filesOf(hub.db, referral)).toEqual([
      {
        sha256: hash,
        size: bytes.length,
        mediaType: 'application/pdf',
        documentType: 'investigation_report',
        title: '调查报告',
        linkedAt: expect.any(Date),
      },
    ]);
  });

  it('resumes a download with a Range: 206 with Content-Range, and the parts make the file', async () => {
    const cut = MiB + 77;
    const first = await download(hub, 'pol-a', url, { range: `bytes=0-${cut - 1}` });
    expect(first.status).toBe(206);
    expect(first.headers['content-range']).toBe(`bytes 0-${cut - 1}/${bytes.length}`);
    expect(first.headers['content-length']).toBe(String(cut));
    const rest = await download(hub, 'pol-a', url, { range: `bytes=${cut}-`, 'if-range': `"${hash}"` });
    expect(rest.status).toBe(206);
    expect(rest.headers['content-range']).toBe(`bytes ${cut}-${bytes.length - 1}/${bytes.length}`);
    expect(Buffer.concat([first.bytes, rest.bytes]).equals(bytes)).toBe(true);
    const tail = await download(hub, 'pol-a', url, { range: 'bytes=-10' });
    expect(tail.bytes.equals(bytes.subarray(bytes.length - 10))).toBe(true);
    const inside = await download(hub, 'pol-a', url, { range: `bytes=${MiB - 3}-${MiB + 2}` });
    expect(inside.bytes.equals(bytes.subarray(MiB - 3, MiB + 3))).toBe(true);
  });

  it('answers 416 with the size for a range outside the file; sends it all for several ranges or a stale If-Range', async () => {
    const outside = await download(hub, 'pol-a', url, { range: `bytes=${bytes.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers['content-range']).toBe(`bytes */${bytes.length}`);
    expect(JSON.parse(outside.bytes.toString()).code).toBe('RANGE_NOT_SATISFIABLE');
    expect((await download(hub, 'pol-a', url, { range: 'bytes=0-1,5-6' })).status).toBe(200);
    const stale = await download(hub, 'pol-a', url, { range: 'bytes=0-9', 'if-range': '"other"' });
    expect(stale.status).toBe(200);
    expect(stale.bytes.length).toBe(bytes.length);
  });

  it('answers 304 to If-None-Match with the ETag, and 200 to another', async () => {
    const same = await download(hub, 'pol-a', url, { 'if-none-match': `W/"x", "${hash}"` });
    expect(same.status).toBe(304);
    expect(same.bytes.length).toBe(0);
    expect(same.headers.etag).toBe(`"${hash}"`);
    expect((await download(hub, 'pol-a', url, { 'if-none-match': '"x"' })).status).toBe(200);
  });

  it('answers HEAD with the headers and no body', async () => {
    const head = await hub.app.inject({
      method: 'HEAD',
      url,
      headers: { authorization: `Bearer ${hub.keys['pol-a']}` },
    });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(bytes.length));
    expect(head.rawPayload.length).toBe(0);
  });

  it('gives a non-party 404 REFERRAL_NOT_FOUND, as for a referral that does not exist', async () => {
    for (const as of ['enf-b', 'pol-b', 'sup']) {
      const got = await download(hub, as, url);
      expect(got.status, as).toBe(404);
      expect(JSON.parse(got.bytes.toString()).code).toBe('REFERRAL_NOT_FOUND');
    }
    const missing = await download(
      hub,
      'pol-a',
      fileDownloadPath('00000000-0000-4000-8000-000000000000', hash),
    );
    expect(JSON.parse(missing.bytes.toString()).code).toBe('REFERRAL_NOT_FOUND');
    expect((await download(hub, 'proc', url)).status).toBe(200);
    expect((await download(hub, 'enf-a', url)).status).toBe(200);
  });

  it('gives a party 404 FILE_NOT_FOUND for a file the referral does not carry', async () => {
    const got = await download(hub, 'pol-a', fileDownloadPath(other, hash));
    expect(got.status).toBe(404);
    expect(JSON.parse(got.bytes.toString()).code).toBe('FILE_NOT_FOUND');
  });

  it('records every download in the read audit', async () => {
    await download(hub, 'pol-a', url);
    const reads = await hub.request('proc', 'GET', `/v1/referrals/${referral}/reads`);
    expect(reads.status).toBe(200);
    const files = reads.body.reads.filter((r: { what: string }) => r.what === `file:${hash}`);
    expect(files.map((r: { agency: string }) => r.agency)).toContain('pol-a');
    expect(files.map((r: { agency: string }) => r.agency)).toContain('enf-a');
    expect(files.map((r: { agency: string }) => r.agency)).not.toContain('enf-b');
  });

  it('keeps a linked file: it cannot be deleted, and its bytes cannot be changed', async () => {
    await expect(hub.db.deleteFrom('files').where('sha256', '=', hash).execute()).rejects.toThrow(
      /referral_files/,
    );
    await expect(
      hub.db
        .updateTable('file_chunks')
        .set({ data: Buffer.from('x') })
        .where('n', '=', 0)
        .execute(),
    ).rejects.toThrow(/immutable/);
  });
});
