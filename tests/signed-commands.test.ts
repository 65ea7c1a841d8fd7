import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKeyPair } from '../bin/keygen.js';
import { addSigningKey, revokeSigningKey, setSignatureMode } from '../db/signing-keys.js';
import { actionCommand, commandEnvelope, deadLetterWith } from './helpers/commands.js';
import { criminalTransfer, REGION } from './helpers/fixtures.js';
import { ledgerRows } from './helpers/ledger.js';
import { registeredKey, signatureHeader, signEnvelope } from './helpers/signing.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';
import { waitFor } from './helpers/wait.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub();
});
afterAll(async () => {
  await hub?.close();
});

async function requireSignatures(mode: 'optional' | 'required') {
  await setSignatureMode(hub.db, REGION, mode);
  hub.commands.keys.invalidate();
}

/** A signed HTTP submission as enf-a, with the key given. */
async function signedSubmit(key: Parameters<typeof signatureHeader>[0], body = criminalTransfer()) {
  return hub.request(
    'enf-a',
    'POST',
    '/v1/referrals',
    body,
    signatureHeader(key, 'POST', '/v1/referrals', body),
  );
}

describe('signed commands where signatures are optional', () => {
  it('takes an unsigned command and a signed one, and puts the signature and what it covers on the chain', async () => {
    expect((await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).status).toBe(201);
    const key = await registeredKey(hub.db, 'enf-a', 'sm2');
    const body = criminalTransfer();
    const signed = await signedSubmit(key, body);
    expect(signed.status).toBe(201);
    const [event] = await ledgerRows(hub, signed.body.id);
    expect(event?.payload.signed).toMatchObject({
      alg: 'sm2',
      keyId: key.publicKey.keyId,
      command: { method: 'POST', path: '/v1/referrals', body },
    });
    const verified = await hub.request('enf-a', 'GET', `/v1/referrals/${signed.body.id}/verify`);
    expect(verified.body).toMatchObject({ valid: true, events: 1 });
    // The referral's submission is what the agency submitted, not the signature's envelope (whose request
    // key the other parties need not see): that stays on the chain and in the evidence file.
    const view = await hub.request('pol-a', 'GET', `/v1/referrals/${signed.body.id}`);
    expect(view.status).toBe(200);
    expect(view.body.submission).not.toHaveProperty('signed');
    expect(view.body.submission).toMatchObject({ kind: body.kind, caseSummary: body.caseSummary });
  });

  it('checks a signature that is present: another body, another agency’s key, an unknown key', async () => {
    const key = await registeredKey(hub.db, 'enf-a', 'ed25519');
    const signedFor = criminalTransfer();
    const other = { ...signedFor, suspectedOffence: '生产、销售伪劣产品罪' };
    const tampered = await hub.request(
      'enf-a',
      'POST',
      '/v1/referrals',
      other,
      signatureHeader(key, 'POST', '/v1/referrals', signedFor),
    );
    expect(tampered.status).toBe(403);
    expect(tampered.body).toMatchObject({ code: 'SIGNATURE_INVALID', details: { reason: 'invalid' } });

    const policeKey = await registeredKey(hub.db, 'pol-a', 'ed25519');
    expect((await signedSubmit(policeKey)).body.code).toBe('KEY_UNKNOWN');
    const { generateKeyPair } = await import('../crypto/keys.js');
    expect((await signedSubmit(generateKeyPair('sm2'))).body.code).toBe('KEY_UNKNOWN');
  });

  it('refuses a signature over another referral’s path: the path names the referral acted on', async () => {
    const first = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
    const second = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
    const key = await registeredKey(hub.db, 'pol-a', 'sm2');
    const body = { action: 'receipt' };
    const header = signatureHeader(key, 'POST', `/v1/referrals/${first}/actions`, body);
    const replayed = await hub.request('pol-a', 'POST', `/v1/referrals/${second}/actions`, body, header);
    expect(replayed.body.code).toBe('SIGNATURE_INVALID');
    const applied = await hub.request('pol-a', 'POST', `/v1/referrals/${first}/actions`, body, header);
    expect(applied.body).toMatchObject({ state: 'receipted' });
  });

  it('binds a signed request to its Idempotency-Key: the body sent again under another key is refused', async () => {
    const key = await registeredKey(hub.db, 'enf-a', 'sm2');
    const body = criminalTransfer();
    const headers = signatureHeader(key, 'POST', '/v1/referrals', body);
    const first = await hub.request('enf-a', 'POST', '/v1/referrals', body, headers);
    expect(first.status).toBe(201);
    // A retry with the same key answers as the first time did; no second referral.
    const retried = await hub.request('enf-a', 'POST', '/v1/referrals', body, headers);
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body.id).toBe(first.body.id);
    // Whoever holds the signed body and the agency's API key cannot make it a second transfer.
    const again = { ...headers, 'idempotency-key': randomUUID() };
    const replayed = await hub.request('enf-a', 'POST', '/v1/referrals', body, again);
    expect(replayed.status).toBe(403);
    expect(replayed.body).toMatchObject({ code: 'SIGNATURE_INVALID', details: { reason: 'invalid' } });
    const { 'idempotency-key': _, ...withoutKey } = headers;
    const keyless = await hub.request('enf-a', 'POST', '/v1/referrals', body, withoutKey);
    expect(keyless.status).toBe(403);
    expect(keyless.body).toMatchObject({
      code: 'SIGNATURE_INVALID',
      details: { reason: 'idempotency_key_missing', keyId: key.publicKey.keyId },
    });
    const [event] = await ledgerRows(hub, first.body.id);
    expect(event?.payload.signed).toMatchObject({
      command: { idempotencyKey: headers['idempotency-key'], method: 'POST', path: '/v1/referrals' },
    });
  });

  it('refuses a revoked key and one not yet valid, and a header that is not a signature', async () => {
    const revoked = await registeredKey(hub.db, 'enf-a', 'sm2');
    await revokeSigningKey(hub.db, revoked.publicKey.keyId, new Date(Date.now() - 1000), 'compromised');
    hub.commands.keys.invalidate();
    expect((await signedSubmit(revoked)).body).toMatchObject({
      code: 'KEY_REVOKED',
      details: { standing: 'revoked' },
    });
    const future = await registeredKey(hub.db, 'enf-a', 'sm2', { from: new Date(Date.now() + 86_400_000) });
    expect((await signedSubmit(future)).body.code).toBe('KEY_UNKNOWN');
    const expired = await registeredKey(hub.db, 'enf-a', 'ed25519', {
      from: new Date(Date.now() - 86_400_000),
      until: new Date(Date.now() - 1000),
    });
    expect((await signedSubmit(expired)).body).toMatchObject({
      code: 'KEY_REVOKED',
      details: { standing: 'expired' },
    });
    const garbled = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer(), {
      'idempotency-key': 'garbled-1',
      'command-signature': 'alg=rsa, keyId=x, signature=!!',
    });
    expect(garbled.status).toBe(403);
    expect(garbled.body).toMatchObject({ code: 'SIGNATURE_INVALID', details: { reason: 'malformed' } });
    // Both faults at once: the header is read first, so the answer names the header, not the missing key.
    const garbledKeyless = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer(), {
      'command-signature': 'alg=rsa, keyId=x, signature=!!',
    });
    expect(garbledKeyless.status).toBe(403);
    expect(garbledKeyless.body).toMatchObject({
      code: 'SIGNATURE_INVALID',
      details: { reason: 'malformed', path: 'alg' },
    });
  });
});

describe('signed commands where the region requires them', () => {
  beforeAll(() => requireSignatures('required'));
  afterAll(() => requireSignatures('optional'));

  it('refuses an unsigned HTTP command with SIGNATURE_REQUIRED and writes nothing', async () => {
    const before = await hub.db
      .selectFrom('referrals')
      .select(hub.db.fn.countAll().as('n'))
      .executeTakeFirst();
    const unsigned = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    expect(unsigned.status).toBe(403);
    expect(unsigned.body.code).toBe('SIGNATURE_REQUIRED');
    const after = await hub.db
      .selectFrom('referrals')
      .select(hub.db.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(after?.n).toBe(before?.n);
  });

  it('dead-letters an unsigned AMQP command with the reason and tells the sender', async () => {
    const command = commandEnvelope('enf-a', 'command.submit', criminalTransfer());
    await hub.sendCommand('enf-a', command);
    const dead = await deadLetterWith(hub, command.messageId);
    expect(dead.properties.headers?.['x-hub-reason-code']).toBe('SIGNATURE_REQUIRED');
    const inbox = await hub.inbox('enf-a');
    const notice = await waitFor(
      () =>
        inbox.received.find(
          (r) => r.envelope.type === 'command.rejected' && r.envelope.causationId === command.messageId,
        ),
      'the rejection notice',
    );
    expect(notice.envelope.payload.code).toBe('SIGNATURE_REQUIRED');
  });

  it('applies a signed AMQP command and a signed HTTP one, each signature on the chain', async () => {
    const agencyKey = await registeredKey(hub.db, 'enf-a', 'sm2');
    const command = signEnvelope(commandEnvelope('enf-a', 'command.submit', criminalTransfer()), agencyKey);
    await hub.sendCommand('enf-a', command);
    const first = await waitFor(
      () =>
        hub.db
          .selectFrom('ledger_events')
          .selectAll()
          .where('message_id', '=', command.messageId)
          .executeTakeFirst(),
      'the signed submission on the ledger',
    );
    const { signature: _, ...covered } = command;
    expect(first.payload.signed).toMatchObject({ keyId: agencyKey.publicKey.keyId, command: covered });

    const policeKey = await registeredKey(hub.db, 'pol-a', 'ed25519');
    const path = `/v1/referrals/${first.referral_id}/actions`;
    const body = { action: 'receipt', note: '已签收' };
    const receipted = await hub.request(
      'pol-a',
      'POST',
      path,
      body,
      signatureHeader(policeKey, 'POST', path, body),
    );
    expect(receipted.body.state).toBe('receipted');
    const [, second] = await ledgerRows(hub, first.referral_id);
    expect(second?.payload.signed).toMatchObject({ alg: 'ed25519', command: { path, body } });
  });

  it('dead-letters an AMQP command whose signature does not cover what was sent', async () => {
    const key = await registeredKey(hub.db, 'enf-a', 'ed25519');
    const signed = signEnvelope(commandEnvelope('enf-a', 'command.submit', criminalTransfer()), key);
    const altered = { ...signed, payload: criminalTransfer({ suspectedOffence: '生产、销售伪劣产品罪' }) };
    await hub.sendCommand('enf-a', altered);
    const dead = await deadLetterWith(hub, signed.messageId);
    expect(dead.properties.headers?.['x-hub-reason-code']).toBe('SIGNATURE_INVALID');
  });
});

describe("the README's HTTP signing example", () => {
  it('receipts a referral with a signature made by OpenSSL and sent by curl', async () => {
    const root = new URL('../', import.meta.url).pathname;
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Signing commands'), readme.indexOf('## Evidence'));
    const block = [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
      .map((m) => m[1] ?? '')
      .find((b) => b.includes('curl'));
    expect(block).toContain('Command-Signature');
    const dir = mkdtempSync(join(tmpdir(), 'hub-readme-http-'));
    try {
      const pair = await writeKeyPair('sm2', join(dir, 'agency-sm2'));
      await addSigningKey(hub.db, {
        agency: 'pol-a',
        publicKeyPem: readFileSync(pair.publicPath, 'utf8'),
        validFrom: new Date(Date.now() - 60_000),
        validUntil: null,
      });
      const id = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id as string;
      await hub.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = hub.app.server.address() as AddressInfo;
      const script = (block ?? '').replace(/^REFERRAL=.*$/m, `REFERRAL=${id}`);
      // Asynchronously: curl talks to this very process, whose event loop must keep running.
      const { stdout: out } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
        cwd: dir,
        env: { ...process.env, HUB: `http://127.0.0.1:${port}`, API_KEY: hub.keys['pol-a'] },
        encoding: 'utf8',
      });
      expect(JSON.parse(out)).toMatchObject({ id, state: 'receipted' });
      const [, receipt] = await ledgerRows(hub, id);
      expect(receipt?.payload).toMatchObject({
        note: '已签收，卷宗3册',
        signed: { alg: 'sm2', keyId: pair.keyId },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a signature is taken once, however late it is sent again', () => {
  /** A referral the police have filed: reporting progress on it may be done again and again. */
  async function filed(): Promise<string> {
    const id = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id as string;
    const now = new Date().toISOString();
    const act = (action: object) => hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, action);
    expect((await act({ action: 'receipt', receivedAt: now })).status).toBe(200);
    expect((await act({ action: 'file', filedAt: now })).status).toBe(200);
    return id;
  }

  it('refuses a signed HTTP step sent again after its Idempotency-Key was pruned; the batch beside it stands', async () => {
    const [a, b] = [await filed(), await filed()];
    const key = await registeredKey(hub.db, 'pol-a', 'ed25519');
    const path = `/v1/referrals/${a}/actions`;
    const body = { action: 'report_progress', stage: 'detained', occurredAt: new Date().toISOString() };
    const headers = signatureHeader(key, 'POST', path, body);
    expect((await hub.request('pol-a', 'POST', path, body, headers)).status).toBe(200);
    // Seven days on, maintenance has pruned the key's answer (IDEMPOTENCY_KEY_RETENTION_HOURS).
    await hub.db.deleteFrom('idempotency_keys').where('key', '=', headers['idempotency-key']).execute();
    const [replayed, other] = await Promise.all([
      hub.request('pol-a', 'POST', path, body, headers),
      hub.request('pol-a', 'POST', `/v1/referrals/${b}/actions`, { ...body, stage: 'arrested' }),
    ]);
    expect(replayed.status).toBe(409);
    expect(replayed.body.code).toBe('SIGNATURE_REPLAYED');
    expect(other.status).toBe(200);
    expect((await ledgerRows(hub, a)).map((e) => e.event)).toEqual([
      'submitted',
      'receipted',
      'filed',
      'progress',
    ]);
    expect((await ledgerRows(hub, b)).map((e) => e.event)).toEqual([
      'submitted',
      'receipted',
      'filed',
      'progress',
    ]);
  });

  it('dead-letters a signed AMQP command sent again after its message id was pruned', async () => {
    const id = await filed();
    const key = await registeredKey(hub.db, 'pol-a', 'sm2');
    const command = signEnvelope(
      actionCommand('pol-a', id, {
        action: 'report_progress',
        stage: 'detained',
        occurredAt: new Date().toISOString(),
      }),
      key,
    );
    await hub.sendCommand('pol-a', command);
    await waitFor(async () => ((await ledgerRows(hub, id)).length === 4 ? true : undefined), 'the progress');
    await hub.db.deleteFrom('processed_messages').where('message_id', '=', command.messageId).execute();
    await hub.sendCommand('pol-a', command);
    const dead = await deadLetterWith(hub, command.messageId);
    expect(dead.properties.headers?.['x-hub-reason-code']).toBe('SIGNATURE_REPLAYED');
    expect(await ledgerRows(hub, id)).toHaveLength(4);
  });
});
