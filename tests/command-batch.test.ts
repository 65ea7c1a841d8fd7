import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCommand } from '../crypto/signatures.js';
import { SM2_NATIVE } from '../crypto/sm2-native.js';
import { CommandPath, type CommandPathDeps } from '../db/command-path.js';
import { ledgerEvents } from '../db/ledger.js';
import { VerifierPool } from '../runtime/verifier-pool.js';
import type { Command } from '../schemas/commands.js';
import { SubmissionSchema } from '../schemas/referral.js';
import { criminalTransfer } from './helpers/fixtures.js';
import { registeredKey } from './helpers/signing.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub();
});
afterAll(async () => {
  await hub?.close();
});

async function referral(): Promise<string> {
  const response = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
  expect(response.status).toBe(201);
  return response.body.id;
}

const receipt = (referralId: string): Command => ({
  type: 'action',
  referralId,
  action: { action: 'receipt' },
});

function path(extra: Partial<CommandPathDeps> = {}) {
  const batches: { written: number; commands: number }[] = [];
  const commands = new CommandPath({
    db: hub.db,
    directory: hub.directory,
    policy: hub.policy,
    clock: () => new Date(),
    maxInFlight: 1,
    onBatch: (written, held) => batches.push({ written, commands: held }),
    ...extra,
  });
  return { commands, batches };
}

/** Lets the command path finish the batch it just answered (its bookkeeping runs after the answers). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

const outcome = (r: PromiseSettledResult<{ status: string }>) =>
  r.status === 'fulfilled' ? r.value.status : (r.reason as { code: string }).code;

describe('a batch of commands decided and written together', () => {
  it('gives each command its own answer: applied, refused, duplicate, and the second of two on one referral', async () => {
    const [a, b, c, x] = [await referral(), await referral(), await referral(), await referral()];
    const { commands, batches } = path();
    const police = (await hub.directory.get('pol-a'))!;
    const enf = (await hub.directory.get('enf-a'))!;
    const seen = randomUUID();
    const dedup = { via: 'amqp' as const, messageId: seen, sender: 'pol-a', type: 'command.action' };
    expect((await commands.execute(police, receipt(x), { messageId: seen }, dedup)).status).toBe('applied');
    await settled();
    // Something in flight, so that the next five queue up and go as one batch.
    const blocker = commands.execute(enf, {
      type: 'brief',
      briefing: { recipients: ['coord'], subject: '通报', body: '内容' },
    });
    const results = await Promise.allSettled([
      commands.execute(police, receipt(a)),
      commands.execute(police, { type: 'action', referralId: b, action: { action: 'file' } }),
      commands.execute(police, receipt(x), { messageId: seen }, dedup),
      commands.execute(police, receipt(c)),
      commands.execute(police, receipt(c)),
    ]);
    await blocker;
    expect(results.map(outcome)).toEqual([
      'applied',
      'TRANSITION_NOT_ALLOWED',
      'duplicate',
      'applied',
      'TRANSITION_NOT_ALLOWED',
    ]);
    expect(batches.at(-1)).toEqual({ written: 2, commands: 5 });
    for (const [id, expected] of [
      [a, ['submitted', 'receipted']],
      [b, ['submitted']],
      [c, ['submitted', 'receipted']],
      [x, ['submitted', 'receipted']],
    ] as const) {
      expect(
        (await ledgerEvents(hub.db, id)).map((e) => e.event),
        id,
      ).toEqual(expected);
    }
  });

  it('fails only the command whose decision throws (a bug, not a refusal); the rest of the batch is written', async () => {
    const [a, broken] = [await referral(), await referral()];
    // A duty under a rule the hub no longer knows: deciding its recount throws a plain Error.
    await sql`UPDATE duties SET rule_id = 'retired_rule', provisional = true
      WHERE id = (SELECT id FROM duties WHERE referral_id = ${broken} AND status = 'open' LIMIT 1)`.execute(
      hub.db,
    );
    const dutyId = (
      await sql<{
        id: string;
      }>`SELECT id FROM duties WHERE rule_id = 'retired_rule' AND referral_id = ${broken}`.execute(hub.db)
    ).rows[0]!.id;
    const { commands, batches } = path();
    const police = (await hub.directory.get('pol-a'))!;
    const enf = (await hub.directory.get('enf-a'))!;
    // The key registry loaded, so that each command joins the queue as it is executed.
    await commands.keys.view();
    const blocker = commands.execute(enf, {
      type: 'brief',
      briefing: { recipients: ['coord'], subject: '通报', body: '内容' },
    });
    const results = await Promise.allSettled([
      commands.execute('hub', { type: 'recheck_deadline', referralId: broken, dutyId }),
      commands.execute(police, receipt(a)),
    ]);
    await blocker;
    expect(results.map(outcome)).toEqual(['INTERNAL', 'applied']);
    expect(batches.at(-1)).toEqual({ written: 1, commands: 2 });
    expect((await ledgerEvents(hub.db, a)).map((e) => e.event)).toEqual(['submitted', 'receipted']);
    expect((await ledgerEvents(hub.db, broken)).map((e) => e.event)).toEqual(['submitted']);
  });

  it('decides again only the command that lost a race with another process; the rest of the batch stands', async () => {
    const [d, e] = [await referral(), await referral()];
    const police = (await hub.directory.get('pol-a'))!;
    const other = path();
    let writes = 0;
    // Between our decision on d and our write, another gateway receipts d (our second batch: the first
    // is the blocker's).
    const ours = path({
      beforeWrite: async () => {
        if (++writes === 2) await other.commands.execute(police, receipt(d));
      },
    });
    await settled();
    const blocker = ours.commands.execute(police, {
      type: 'action',
      referralId: e,
      action: { action: 'brief', recipients: ['coord'], subject: '通报', body: '先行' },
    });
    const results = await Promise.allSettled([
      ours.commands.execute(police, receipt(d)),
      ours.commands.execute(police, receipt(e)),
    ]);
    await blocker;
    expect(results.map(outcome)).toEqual(['TRANSITION_NOT_ALLOWED', 'applied']);
    expect((await ledgerEvents(hub.db, d)).map((x) => x.event)).toEqual(['submitted', 'receipted']);
    expect((await ledgerEvents(hub.db, e)).map((x) => x.event)).toEqual([
      'submitted',
      'briefed',
      'receipted',
    ]);
    // The batch that lost the race on d wrote e's receipt; d was decided again alone and refused.
    expect(writes).toBeGreaterThanOrEqual(2);
    expect(ours.batches).toEqual([
      { written: 1, commands: 1 },
      { written: 1, commands: 2 },
    ]);
    expect(other.batches).toEqual([{ written: 1, commands: 1 }]);
  });

  it('catches a seen Idempotency-Key at the write in a batch of new submissions that loads nothing first', async () => {
    const enf = (await hub.directory.get('enf-a'))!;
    const { commands, batches } = path();
    const body = SubmissionSchema.parse(criminalTransfer());
    const other = SubmissionSchema.parse(criminalTransfer({ suspectedOffence: '生产、销售伪劣产品罪' }));
    const submit = (submission: typeof body): Command => ({ type: 'submit', submission });
    const dedup = (key: string, requestHash: string) => ({
      via: 'http' as const,
      agency: 'enf-a',
      key,
      requestHash,
    });
    const [seen, fresh] = [randomUUID(), randomUUID()];
    const first = await commands.execute(enf, submit(body), {}, dedup(seen, 'hash-a'));
    expect(first.status).toBe('created');
    await settled();
    const blocker = commands.execute(enf, {
      type: 'brief',
      briefing: { recipients: ['coord'], subject: '通报', body: '内容' },
    });
    // One batch: the same key and body again, the same key with another body, and a new key.
    const results = await Promise.allSettled([
      commands.execute(enf, submit(body), {}, dedup(seen, 'hash-a')),
      commands.execute(enf, submit(other), {}, dedup(seen, 'hash-b')),
      commands.execute(enf, submit(body), {}, dedup(fresh, 'hash-a')),
    ]);
    await blocker;
    expect(results.map(outcome)).toEqual(['replayed', 'IDEMPOTENCY_KEY_REUSED', 'created']);
    const id = (r: PromiseSettledResult<unknown>) =>
      ((r as PromiseFulfilledResult<{ result: { id: string } }>).value.result as { id: string }).id;
    const firstId = (first as { result: { id: string } }).result.id;
    expect(id(results[0]!)).toBe(firstId);
    expect(id(results[2]!)).not.toBe(firstId);
    // Two commands with one key never share a batch: the first batch held the seen key with its body and
    // the fresh key, wrote the fresh one, and the seen one lost its guard; loaded and decided again, it
    // replayed (writing nothing). The seen key with another body went next, lost its guard the same way,
    // and was refused once loaded.
    expect(batches.slice(-2)).toEqual([
      { written: 1, commands: 2 },
      { written: 0, commands: 1 },
    ]);
    expect((await ledgerEvents(hub.db, firstId)).map((e) => e.event)).toEqual(['submitted']);
    expect((await ledgerEvents(hub.db, id(results[2]!))).map((e) => e.event)).toEqual(['submitted']);
  });
});

describe('a key or message id whose record was pruned', () => {
  it('refuses the key with the referral it made (not CONCURRENT_UPDATE), and takes the message as a duplicate', async () => {
    const key = randomUUID();
    const body = criminalTransfer();
    const first = await hub.request('enf-a', 'POST', '/v1/referrals', body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    // Past IDEMPOTENCY_KEY_RETENTION_HOURS, maintenance has pruned its answer.
    await hub.db.deleteFrom('idempotency_keys').where('key', '=', key).execute();
    const again = await hub.request('enf-a', 'POST', '/v1/referrals', body, { 'idempotency-key': key });
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      details: { referralId: first.body.id },
    });

    const { commands } = path();
    const enf = (await hub.directory.get('enf-a'))!;
    const messageId = randomUUID();
    const dedup = { via: 'amqp' as const, messageId, sender: 'enf-a', type: 'command.submit' };
    const submit: Command = { type: 'submit', submission: SubmissionSchema.parse(criminalTransfer()) };
    const made = await commands.execute(enf, submit, { messageId }, dedup);
    expect(made.status).toBe('created');
    await hub.db.deleteFrom('processed_messages').where('message_id', '=', messageId).execute();
    expect((await commands.execute(enf, submit, { messageId }, dedup)).status).toBe('duplicate');
    const id = (made as { result: { id: string } }).result.id;
    expect((await ledgerEvents(hub.db, id)).map((e) => e.event)).toEqual(['submitted']);
  });
});

describe('signatures checked off the event loop', () => {
  it('keeps arrival order: an unsigned step sent after a signed one waits for its check and comes second', async () => {
    const id = await referral();
    const key = await registeredKey(hub.db, 'pol-a', 'sm2');
    const { commands, batches } = path();
    await commands.keys.view([key.publicKey.keyId]);
    const police = (await hub.directory.get('pol-a'))!;
    const covered = { method: 'POST', path: `/v1/referrals/${id}/actions`, body: { action: 'receipt' } };
    const signed = { ...signCommand(covered, key), keyId: key.publicKey.keyId, command: covered };
    const results = await Promise.allSettled([
      commands.execute(police, receipt(id), { signed }),
      // Checked at once (nothing to verify): it would join the queue first if arrivals did not keep order.
      commands.execute(police, {
        type: 'action',
        referralId: id,
        action: { action: 'request_supplement', items: ['现场检查笔录'] },
      }),
    ]);
    expect(results.map(outcome)).toEqual(['applied', 'applied']);
    expect(batches.at(-1)).toEqual({ written: 2, commands: 2 });
    expect((await ledgerEvents(hub.db, id)).map((e) => e.event)).toEqual([
      'submitted',
      'receipted',
      'supplement_requested',
    ]);
    await commands.close();
  });

  it('refuses a bad signature checked on the thread, and the steps after it still go through in order', async () => {
    const [a, b] = [await referral(), await referral()];
    const key = await registeredKey(hub.db, 'pol-a', 'sm2');
    const { commands } = path({ verifier: new VerifierPool(1, 30_000, SM2_NATIVE) });
    await commands.keys.view([key.publicKey.keyId]);
    const police = (await hub.directory.get('pol-a'))!;
    const covered = { method: 'POST', path: `/v1/referrals/${a}/actions`, body: { action: 'receipt' } };
    const forged = {
      ...signCommand({ ...covered, path: '/elsewhere' }, key),
      keyId: key.publicKey.keyId,
      command: covered,
    };
    const results = await Promise.allSettled([
      commands.execute(police, receipt(a), { signed: forged }),
      commands.execute(police, receipt(b)),
    ]);
    expect(results.map(outcome)).toEqual(['SIGNATURE_INVALID', 'applied']);
    expect((await ledgerEvents(hub.db, a)).map((e) => e.event)).toEqual(['submitted']);
    await commands.close();
  });
});
