import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEvidence } from '../crypto/evidence.js';
import { exportPublicKey, generateKeyPair, type PrivateKey } from '../crypto/keys.js';
import { hashLink } from '../crypto/ledger-hash.js';
import { signCommand } from '../crypto/signatures.js';
import { loadLedger } from '../db/ledger.js';
import type { EvidenceFile } from '../schemas/evidence.js';
import { actionCommand } from './helpers/commands.js';
import { criminalTransfer } from './helpers/fixtures.js';
import { registeredKey, signatureHeader, signEnvelope } from './helpers/signing.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';
import { waitFor } from './helpers/wait.js';

let hub: TestHub;
let enfKey: PrivateKey;
let polKey: PrivateKey;
const dir = mkdtempSync(join(tmpdir(), 'hub-evidence-'));

beforeAll(async () => {
  hub = await createTestHub();
  enfKey = await registeredKey(hub.db, 'enf-a', 'sm2');
  polKey = await registeredKey(hub.db, 'pol-a', 'ed25519');
});
afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A transfer submitted signed over HTTP (SM2) and receipted signed over AMQP (Ed25519). */
async function signedReferral(): Promise<string> {
  const body = criminalTransfer();
  const headers = signatureHeader(enfKey, 'POST', '/v1/referrals', body);
  const id = (await hub.request('enf-a', 'POST', '/v1/referrals', body, headers)).body.id as string;
  const receipt = signEnvelope(
    actionCommand('pol-a', id, { action: 'receipt', note: '已签收，卷宗3册' }),
    polKey,
  );
  await hub.sendCommand('pol-a', receipt);
  await waitFor(async () => (await loadLedger(hub.db, id)).length === 2 || undefined, 'the signed receipt');
  return id;
}

async function evidence(as: string, id: string, query = ''): Promise<EvidenceFile> {
  const response = await hub.request(as, 'GET', `/v1/referrals/${id}/evidence${query}`);
  expect(response.status).toBe(200);
  return response.body;
}

/** Recomputes every link of the file's chain after an edit, as someone covering their tracks would. */
function rechain(file: EvidenceFile): EvidenceFile {
  let prevHash = '0'.repeat(64);
  for (const e of file.events) {
    e.prevHash = prevHash;
    e.hash = hashLink({ referralId: file.referralId, ...e, prevHash });
    prevHash = e.hash;
  }
  return file;
}

let signedId: string;
let file: EvidenceFile;

describe('the evidence file', () => {
  beforeAll(async () => {
    signedId = await signedReferral();
    await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    await hub.request('enf-b', 'POST', '/v1/referrals', criminalTransfer());
    await hub.workers.sealer.sealNow();
    file = await evidence('enf-a', signedId);
  });

  it('goes to the parties and the region’s procuratorate and coordinator, not to others', async () => {
    expect(file.events.map((e) => e.event)).toEqual(['submitted', 'receipted']);
    expect(file.keys.map((k) => k.keyId).sort()).toEqual(
      [enfKey.publicKey.keyId, polKey.publicKey.keyId].sort(),
    );
    expect(file.statement?.proof.head).toMatchObject({ referralId: signedId, seq: 2 });
    for (const as of ['pol-a', 'proc', 'coord'])
      expect((await evidence(as, signedId)).referralId).toBe(signedId);
    expect((await hub.request('enf-b', 'GET', `/v1/referrals/${signedId}/evidence`)).status).toBe(404);
  });

  it('verifies offline: chain, keys, both agencies’ signatures, the statement, the proof and the seal', () => {
    const report = verifyEvidence(structuredClone(file));
    expect(report).toMatchObject({ ok: true, events: 2, signedEvents: 2 });
  });

  it('verifies from the command line with no database and no network', () => {
    const path = join(dir, 'evidence.json');
    writeFileSync(path, JSON.stringify(file));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/hub.ts', 'evidence', 'verify', path], {
      env: {
        ...process.env,
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
        AMQP_URL: 'amqp://127.0.0.1:1',
      },
      encoding: 'utf8',
    });
    expect(run.stdout).toContain('VERIFIED: 2 events, 2 signed by their agency');
    expect(run.status).toBe(0);
    writeFileSync(path, JSON.stringify({ ...file, producedAt: '2020-01-01T00:00:00.000Z' }));
    const tampered = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bin/hub.ts', 'evidence', 'verify', path],
      {
        encoding: 'utf8',
      },
    );
    expect(tampered.stdout).toContain("FAIL  seal: the hub's seal over the file does not verify");
    expect(tampered.status).toBe(1);
  });

  const other = generateKeyPair('sm2');
  const tampers: [string, (f: EvidenceFile) => unknown, string, number | undefined][] = [
    [
      'an event’s payload',
      (f) => (f.events[0]!.payload.suspectedOffence = '生产、销售伪劣产品罪'),
      'chain',
      1,
    ],
    ['an event’s time', (f) => (f.events[1]!.occurredAt = '2020-01-01T00:00:00.000Z'), 'chain', 2],
    [
      'an event’s payload, with the chain recomputed',
      (f) =>
        rechain(
          Object.assign(f, {
            events: f.events.map((e, i) =>
              i === 0 ? { ...e, payload: { ...e.payload, suspectedOffence: '改过' } } : e,
            ),
          }),
        ),
      'signature',
      1,
    ],
    [
      'a member added to an event, with the chain recomputed',
      (f) => rechain(Object.assign(f.events[1]!.payload, { note2: '补记' }) && f),
      'signature',
      2,
    ],
    [
      'a signature, with the chain recomputed',
      (f) => {
        const signed = f.events[1]!.payload.signed as { signature: string };
        signed.signature = signCommand({ other: true }, polKey).signature;
        return rechain(f);
      },
      'signature',
      2,
    ],
    [
      'what a signature covers, re-signed by another key, with the chain recomputed',
      (f) => {
        const signed = f.events[0]!.payload.signed as { command: unknown; keyId: string; signature: string };
        const forged = signCommand(signed.command, other);
        Object.assign(signed, { keyId: forged.keyId, signature: forged.signature });
        return rechain(f);
      },
      'signature',
      1,
    ],
    [
      'a key swapped for another',
      (f) => (f.keys[0]!.publicKey = exportPublicKey(other.publicKey)),
      'key',
      undefined,
    ],
    [
      'a key’s validity (revoked before it signed)',
      (f) => (f.keys.find((k) => k.keyId === enfKey.publicKey.keyId)!.revokedAt = '2020-01-01T00:00:00.000Z'),
      'signature',
      1,
    ],
    [
      'a hash of the inclusion proof',
      (f) => (f.statement!.proof.proof[0] = 'f'.repeat(64)),
      'proof',
      undefined,
    ],
    ['the proof’s leaf index', (f) => (f.statement!.proof.index += 1), 'proof', undefined],
    ['the sealed root', (f) => (f.statement!.statement.root = 'a'.repeat(64)), 'statement', undefined],
    [
      'the file outside the events (its time)',
      (f) => (f.producedAt = '2020-01-01T00:00:00.000Z'),
      'seal',
      undefined,
    ],
  ];

  it.each(tampers)('catches a change to %s', (_what, tamper, part, seq) => {
    const copy = structuredClone(file);
    tamper(copy);
    const report = verifyEvidence(copy);
    expect(report.ok).toBe(false);
    if (!report.ok) expect(report.failure).toMatchObject({ part, ...(seq === undefined ? {} : { seq }) });
  });
});

/** What a superuser can do: switch the trigger off, rewrite an event, recompute the chain and the head. */
async function rewriteAndRechain(referralId: string, change: Record<string, unknown>) {
  const ledger = await loadLedger(hub.db, referralId);
  let prevHash = '0'.repeat(64);
  await sql`ALTER TABLE ledger_events DISABLE TRIGGER ledger_events_append_only`.execute(hub.db);
  for (const e of ledger) {
    const payload = e.seq === 1 ? { ...e.payload, ...change } : e.payload;
    const hash = hashLink({ referralId, ...e, payload, prevHash });
    await sql`UPDATE ledger_events SET payload = ${JSON.stringify(payload)}::jsonb, prev_hash = ${prevHash},
      hash = ${hash} WHERE referral_id = ${referralId} AND seq = ${e.seq}`.execute(hub.db);
    prevHash = hash;
  }
  await sql`ALTER TABLE ledger_events ENABLE TRIGGER ledger_events_append_only`.execute(hub.db);
  await sql`UPDATE referrals SET head_hash = ${prevHash} WHERE id = ${referralId}`.execute(hub.db);
}

describe('a rewrite by whoever runs the database', () => {
  it('passes the hub’s own check, but the agency’s signature and a statement held outside expose it', async () => {
    const procuratorate = await hub.inbox('proc');
    const signed = await signedReferral();
    const unsigned = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body
      .id as string;
    const before = await hub.workers.sealer.sealNow();
    // The procuratorate holds the statement as it was sent.
    const held = await waitFor(
      () =>
        procuratorate.received.find(
          (r) => r.envelope.type === 'hub.statement' && r.envelope.payload.statementId === before.id,
        ),
      'the statement at the procuratorate',
    );

    const change = { suspectedOffence: '生产、销售伪劣产品罪' };
    await rewriteAndRechain(signed, change);
    await rewriteAndRechain(unsigned, change);
    for (const id of [signed, unsigned]) {
      expect((await hub.request('coord', 'GET', `/v1/referrals/${id}/verify`)).body.valid).toBe(true);
    }
    // The hub goes on sealing, now over the rewritten heads.
    await hub.workers.sealer.sealNow();

    const signedFile = await evidence('proc', signed);
    expect(signedFile.events[0]?.payload.suspectedOffence).toBe(change.suspectedOffence);
    const bySignature = verifyEvidence(signedFile);
    expect(bySignature).toMatchObject({ ok: false, failure: { part: 'signature', seq: 1 } });
    if (!bySignature.ok)
      expect(bySignature.failure.message).toContain('suspectedOffence is not what enf-a signed');

    // Unsigned, the latest file verifies on its own; against the statement held outside it does not.
    const latest = await evidence('proc', unsigned);
    expect(verifyEvidence(latest).ok).toBe(true);
    expect(verifyEvidence(latest, held.envelope.payload)).toMatchObject({
      ok: false,
      failure: { part: 'statement' },
    });
    const asOfHeld = await evidence('proc', unsigned, `?statement=${before.id}`);
    expect(verifyEvidence(asOfHeld, held.envelope.payload)).toMatchObject({
      ok: false,
      failure: { part: 'proof', seq: 1 },
    });
  });
});
