import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../crypto/jcs.js';
import { importPublicKey } from '../crypto/keys.js';
import { buildHeadsTree, type ChainHead, type HeadProof, verifyHeadProof } from '../crypto/merkle.js';
import { messageSealOfHeader, verifyMessageSeal } from '../crypto/message-seal.js';
import { verifyCommand } from '../crypto/signatures.js';
import { loadHubSigner } from '../runtime/hub-signer.js';
import { createLogger } from '../runtime/logger.js';
import { Sealer } from '../workers/sealer.js';
import { criminalTransfer } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';
import { waitFor } from './helpers/wait.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub();
});
afterAll(async () => {
  await hub?.close();
});

async function hubKey(keyId: string) {
  const published = (await hub.request('enf-a', 'GET', '/v1/hub-keys')).body;
  const key = published.keys.find((k: { keyId: string }) => k.keyId === keyId);
  return importPublicKey(key.publicKey);
}

/** The police's receipt of referral `id` (its second event). */
async function receipt(id: string): Promise<void> {
  const answer = await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, { action: 'receipt' });
  expect(answer.status).toBe(200);
}

type Proved = { id: string; statement: { root: string; size: number }; proof: HeadProof };

/**
 * The statement part of `referralId`'s evidence file from `from` (under `statementId`, or the latest that
 * covers it): answered 200, its proof checked against the statement's root.
 */
async function provedStatement(
  referralId: string,
  statementId?: string,
  from: TestHub = hub,
): Promise<Proved> {
  const query = statementId === undefined ? '' : `?statement=${statementId}`;
  const evidence = await from.request('enf-a', 'GET', `/v1/referrals/${referralId}/evidence${query}`);
  expect(evidence.status).toBe(200);
  const proved = evidence.body.statement as Proved;
  expect(verifyHeadProof(proved.proof, proved.statement.root)).toBe(true);
  return proved;
}

/** The head of `referralId` its evidence file proves under `statementId`. */
async function provedHead(referralId: string, statementId: string): Promise<ChainHead> {
  return (await provedStatement(referralId, statementId)).proof.head;
}

/**
 * Seals while another transaction holds what `hold` takes; once a lock request matching `waiting` (a
 * condition on pg_locks) is not granted, runs `meanwhile`, then commits the holder and lets the seal go.
 */
async function sealWhileHeld(
  hold: RawBuilder<unknown>,
  waiting: RawBuilder<unknown>,
  meanwhile: () => Promise<void>,
) {
  return hub.db.connection().execute(async (conn) => {
    await sql`BEGIN`.execute(conn);
    await hold.execute(conn);
    const sealing = hub.workers.sealer.sealNow();
    await waitFor(async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND ${waiting}
      `.execute(hub.db);
      return (rows[0]?.n ?? 0) > 0 ? true : undefined;
    }, 'the seal waiting');
    await meanwhile();
    await sql`COMMIT`.execute(conn);
    return sealing;
  });
}

describe('the hub seals what it sends', () => {
  it('publishes its public key: SM2 by default, generated at first start and kept', async () => {
    const published = await hub.request('enf-a', 'GET', '/v1/hub-keys');
    expect(published.status).toBe(200);
    expect(published.body.keys).toHaveLength(1);
    expect(published.body.keys[0]).toMatchObject({ keyId: published.body.current, alg: 'sm2' });
    const stored = await hub.db.selectFrom('hub_signing_keys').select('private_key').executeTakeFirst();
    expect(stored?.private_key).toContain('PRIVATE KEY');
  });

  it('seals every AMQP message it sends: the header verifies over the envelope’s RFC 8785 JSON', async () => {
    const police = await hub.inbox('pol-a');
    const id = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
    const got = await waitFor(
      () => police.received.find((r) => r.envelope.referralId === id),
      'the delivery',
    );
    const header = String(got.message.properties.headers?.['hub-signature']);
    const seal = messageSealOfHeader(header);
    const key = await hubKey(String(seal.keyId));
    expect(verifyMessageSeal(got.envelope, seal, key)).toMatchObject({ ok: true, alg: 'sm2' });
    const altered = { ...got.envelope, recipient: 'pol-b' };
    expect(verifyMessageSeal(altered, seal, key)).toMatchObject({ ok: false, reason: 'proof' });
    // The batch's root with another signature, or the signature over another root: both fail.
    const other = { ...seal, root: 'ab'.repeat(32), proof: [] as string[], index: 0, size: 1 };
    expect(verifyMessageSeal(got.envelope, other, key).ok).toBe(false);
  });

  it('signs each inbox item of an agency that pulls over HTTP', async () => {
    await hub.request('enf-b', 'POST', '/v1/referrals', criminalTransfer());
    const inbox = await waitFor(async () => {
      const page = (await hub.request('coord', 'GET', '/v1/inbox')).body;
      return page.messages.length > 0 ? page.messages : undefined;
    }, 'a message in the coordinator inbox');
    const { hubSignature, delivery: _, ...envelope } = inbox[0];
    expect(verifyMessageSeal(envelope, hubSignature, await hubKey(hubSignature.keyId))).toMatchObject({
      ok: true,
    });
  });
});

describe('sealed statements of every chain head', () => {
  it('signs the Merkle root of every head, keeps it append-only and sends it to the procuratorate', async () => {
    const procuratorate = await hub.inbox('proc');
    await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    // The sealer sealed at start; it seals again only once the interval has passed.
    expect(await hub.workers.sealer.tick()).toBeUndefined();
    const statementId = (await hub.workers.sealer.sealNow()).id;
    const heads = await hub.db.selectFrom('referrals').select(['id', 'head_seq', 'head_hash']).execute();
    const tree = await buildHeadsTree(
      heads.map((h) => ({ referralId: h.id, seq: h.head_seq, hash: h.head_hash })),
    );
    const got = await waitFor(
      () =>
        procuratorate.received.find(
          (r) => r.envelope.type === 'hub.statement' && r.envelope.payload.statementId === statementId,
        ),
      'the statement at the procuratorate',
    );
    const { statement, signature } = got.envelope.payload;
    expect(statement).toMatchObject({ reason: 'periodic', root: tree.root, size: heads.length });
    expect(verifyCommand(statement, signature, await hubKey(signature.keyId))).toMatchObject({ ok: true });
    await expect(
      sql`UPDATE sealed_statements SET root = ${'0'.repeat(64)} WHERE id = ${statementId}`.execute(hub.db),
    ).rejects.toThrow(/append-only/);
  });

  it('records only the heads that changed since the statement before, and proves any referral under either', async () => {
    const [a, b] = await Promise.all(
      [0, 1].map(
        async () => (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id,
      ),
    );
    const first = (await hub.workers.sealer.sealNow()).id;
    const rowsOf = async (statementId: string) =>
      (
        await hub.db
          .selectFrom('statement_heads')
          .select('referral_id')
          .where('statement_id', '=', statementId)
          .execute()
      ).map((r) => r.referral_id);
    expect(await rowsOf(first)).toEqual(expect.arrayContaining([a, b]));
    const receipt = await hub.request('pol-a', 'POST', `/v1/referrals/${a}/actions`, { action: 'receipt' });
    expect(receipt.status).toBe(200);
    const second = (await hub.workers.sealer.sealNow()).id;
    // Only the referral that took a step since: the rest are read from earlier statements.
    expect(await rowsOf(second)).toEqual([a]);
    const total = await hub.db
      .selectFrom('referrals')
      .select(hub.db.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    for (const [id, statementId] of [
      [a, second],
      [b, second],
      [a, first],
    ] as const) {
      const { statement, proof } = await provedStatement(id, statementId);
      expect(proof.size).toBe(statement.size);
      if (statementId === second) expect(statement.size).toBe(Number(total?.n));
    }
    await expect(
      sql`DELETE FROM statement_heads WHERE statement_id = ${second}`.execute(hub.db),
    ).rejects.toThrow(/append-only/);
  });

  it('seals in turn: a seal that waited for another sees what was committed while it waited', async () => {
    const a = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
    await hub.workers.sealer.sealNow();
    // Another seal in progress (it holds the lock every seal takes) while this one starts; a step committed
    // while the seal waits: its snapshot must come after the wait, so it seals this head.
    const other = await sealWhileHeld(
      sql`LOCK TABLE statement_heads IN SHARE ROW EXCLUSIVE MODE`,
      sql`relation = 'statement_heads'::regclass`,
      () => receipt(a),
    );
    expect(await provedHead(a, other.id)).toMatchObject({ referralId: a, seq: 2 });
  });

  it('after the upgrade to 0016: earlier statements are proved from their own heads, the first new one records all', async () => {
    // A hub of its own, so that no statement has recorded heads yet, as on a database just migrated.
    const fresh = await createTestHub();
    try {
      const a = (await fresh.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
      const b = (await fresh.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
      expect(await fresh.db.selectFrom('statement_heads').selectAll().execute()).toEqual([]);
      // A statement as migrations 0013-0015 wrote it: every head as jsonb in its row.
      const rows = await fresh.db.selectFrom('referrals').select(['id', 'head_seq', 'head_hash']).execute();
      const heads = rows.map((r) => ({ referralId: r.id, seq: r.head_seq, hash: r.head_hash }));
      const tree = await buildHeadsTree(heads);
      const signer = await loadHubSigner(fresh.db, fresh.config);
      const sealedAt = new Date();
      const statement = {
        type: 'hub.sealed_statement',
        reason: 'periodic',
        sealedAt: sealedAt.toISOString(),
        size: tree.size,
        root: tree.root,
        hubKeyId: signer.keyId,
      };
      const signature = signer.signJson(statement);
      const earlier = await fresh.db
        .insertInto('sealed_statements')
        .values({
          reason: 'periodic',
          statement: canonicalize(statement),
          alg: signature.alg,
          key_id: signer.keyId,
          signature: signature.signature,
          sealed_at: sealedAt,
          root: tree.root,
          size: tree.size,
          heads: JSON.stringify(heads.map((h) => [h.referralId, h.seq, h.hash])),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const receipt = await fresh.request('pol-a', 'POST', `/v1/referrals/${a}/actions`, {
        action: 'receipt',
      });
      expect(receipt.status).toBe(200);
      const next = await fresh.workers.sealer.sealNow();
      // The first statement after the upgrade finds no rows before it: it records every head.
      const recorded = await fresh.db
        .selectFrom('statement_heads')
        .select(['referral_id', 'seq'])
        .where('statement_id', '=', next.id)
        .execute();
      expect(new Map(recorded.map((r) => [r.referral_id, r.seq]))).toEqual(
        new Map([
          [a, 2],
          [b, 1],
        ]),
      );
      for (const [id, statementId, seq] of [
        [a, String(earlier.id), 1],
        [b, String(earlier.id), 1],
        [a, next.id, 2],
        [b, next.id, 1],
      ] as const) {
        const { proof } = await provedStatement(id, statementId, fresh);
        expect(proof.head).toMatchObject({ referralId: id, seq });
      }
    } finally {
      await fresh.close();
    }
  });

  it('builds a statement’s tree once for all the evidence files under it, and again for the next', async () => {
    const built = async () => (await hub.metrics.statementTrees.get()).values[0]?.value ?? 0;
    const a = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
    const b = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
    const first = (await hub.workers.sealer.sealNow()).id;
    const before = await built();
    const proved = async (id: string, statementId?: string) => {
      const { id: under, proof } = await provedStatement(id, statementId);
      expect(proof.head.referralId).toBe(id);
      return under;
    };
    expect([await proved(a), await proved(b), await proved(a)]).toEqual([first, first, first]);
    expect(await built()).toBe(before + 1);
    await receipt(a);
    const second = (await hub.workers.sealer.sealNow()).id;
    expect([await proved(a), await proved(b)]).toEqual([second, second]);
    expect(await built()).toBe(before + 2);
    // An earlier statement named is built for its own heads (the latest tree kept stays right too).
    expect(await proved(a, first)).toBe(first);
    expect(await proved(b)).toBe(second);
  });

  it('leaves a referral created after a statement out of it', async () => {
    const a = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
    const sealed = (await hub.workers.sealer.sealNow()).id;
    const b = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
    await provedStatement(a, sealed);
    const later = await hub.request('enf-a', 'GET', `/v1/referrals/${b}/evidence?statement=${sealed}`);
    expect(later.status).toBe(400);
    // Without a statement named, b's file carries none yet: no statement covers it.
    const latest = await hub.request('enf-a', 'GET', `/v1/referrals/${b}/evidence`);
    expect(latest.status).toBe(200);
    expect(latest.body.statement).toBeNull();
  });

  it('records the heads of the snapshot it sealed, not those committed while it was sealing', async () => {
    const a = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
    // The statement's insert checks its hub key (a foreign key): holding that row stops the seal after it
    // has read the heads and built the root, before it records them.
    const sealed = await sealWhileHeld(
      sql`SELECT key_id FROM hub_signing_keys FOR UPDATE`,
      sql`pid IN (SELECT pid FROM pg_stat_activity WHERE query LIKE '%sealed_statements%')`,
      () => receipt(a),
    );
    expect(await provedHead(a, sealed.id)).toMatchObject({ referralId: a, seq: 1 });
  });

  it('seals once when two workers processes find the last statement old at the same time', async () => {
    const count = async () =>
      Number(
        (
          await hub.db
            .selectFrom('sealed_statements')
            .select(hub.db.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const later = new Date(Date.now() + 2 * 3600_000);
    const worker = () =>
      new Sealer(
        { db: hub.db, signer: () => loadHubSigner(hub.db, hub.config), clock: () => later },
        3600_000,
        createLogger('silent'),
      );
    const ids = await Promise.all([worker().tick(), worker().tick()]);
    expect(ids.filter((id) => id !== undefined)).toHaveLength(1);
    expect(await count()).toBe(before + 1);
  });

  it('refuses to truncate the statements or their heads', async () => {
    for (const table of ['statement_heads', 'sealed_statements']) {
      await expect(sql`TRUNCATE ${sql.table(table)} CASCADE`.execute(hub.db)).rejects.toThrow(/append-only/);
    }
  });

  it('seals at every yearly report', async () => {
    const before = await hub.db.selectFrom('sealed_statements').select('id').execute();
    const report = await hub.request('coord', 'POST', '/v1/reports/yearly', {
      year: new Date().getFullYear(),
    });
    expect(report.status).toBe(201);
    const after = await hub.db
      .selectFrom('sealed_statements')
      .select(['id', 'reason'])
      .orderBy('id', 'desc')
      .execute();
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]?.reason).toBe('yearly_report');
  });
});
