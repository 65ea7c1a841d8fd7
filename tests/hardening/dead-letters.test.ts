import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFailure } from '../../db/command-failures.js';
import { hubTopology } from '../../schemas/amqp-topology.js';
import { listDeadLetters, replayDeadLetters, replayId } from '../../workers/dlq.js';
import { actionCommand } from '../helpers/commands.js';
import { criminalTransfer } from '../helpers/fixtures.js';
import { runHubCli } from '../helpers/hub-cli.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { waitFor } from '../helpers/wait.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub();
});
afterAll(async () => {
  await hub?.close();
});

const action = (referralId: string, payload: unknown) =>
  actionCommand('pol-a', referralId, payload, { correlationId: referralId });

/** A transfer to pol-b, and a receipt of it in pol-b's name (sent below by someone else). */
async function receiptInPolBsName() {
  const submitted = await hub.request(
    'enf-a',
    'POST',
    '/v1/referrals',
    criminalTransfer({ recipient: 'pol-b' }),
  );
  return { submitted, forged: actionCommand('pol-b', submitted.body.id, { action: 'receipt' }) };
}

describe('dead letters', () => {
  it('lists them, replays one that is now allowed, and reports a stale one as a conflict', async () => {
    const id = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
    // Filed before the receipt: refused now, allowed once the police have receipted.
    const early = action(id, { action: 'file', caseNo: '立-1' });
    await hub.sendCommand('pol-a', early);
    const twice = action(id, { action: 'receipt' });
    await waitFor(
      () =>
        hub.db
          .selectFrom('processed_messages')
          .selectAll()
          .where('message_id', '=', early.messageId)
          .executeTakeFirst(),
      'the refusal',
    );
    await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, { action: 'receipt' });
    await hub.sendCommand('pol-a', twice); // a second receipt: stale for good
    await waitFor(
      () =>
        hub.db
          .selectFrom('processed_messages')
          .selectAll()
          .where('message_id', '=', twice.messageId)
          .executeTakeFirst(),
      'the second refusal',
    );

    const connection = await amqp.connect(hub.config.AMQP_URL);
    const deps = { db: hub.db, directory: hub.directory, commands: hub.commands, prefix: hub.prefix };
    const listed = await waitFor(async () => {
      const { letters } = await listDeadLetters(connection, deps, 50);
      return letters.length === 2 ? letters : undefined;
    }, 'two dead letters');
    expect(listed.map((l) => [l.messageId, l.code, l.sender])).toEqual(
      expect.arrayContaining([
        [early.messageId, 'TRANSITION_NOT_ALLOWED', 'pol-a'],
        [twice.messageId, 'TRANSITION_NOT_ALLOWED', 'pol-a'],
      ]),
    );
    const cli = await runHubCli(hub, 'dlq', 'list');
    expect(cli.stdout).toContain('2 dead letter(s)');

    const progress: string[] = [];
    const outcomes = await replayDeadLetters(connection, deps, {
      perSecond: 50,
      onProgress: (n, o) => progress.push(`${n}:${o.outcome}`),
    });
    expect(outcomes.map((o) => [o.messageId, o.outcome]).sort()).toEqual(
      [
        [early.messageId, 'applied'],
        [twice.messageId, 'conflict'],
      ].sort(),
    );
    expect(progress).toHaveLength(2);
    const view = await hub.request('enf-a', 'GET', `/v1/referrals/${id}`);
    expect(view.body.state).toBe('filed');
    const filed = view.body.ledger.find((e: { event: string }) => e.event === 'filed');
    expect(filed).toMatchObject({
      messageId: replayId(early.messageId),
      payload: { replayOf: early.messageId, caseNo: '立-1' },
    });
    // The stale one stays for a person to look at; replaying again changes nothing.
    expect((await listDeadLetters(connection, deps, 50)).letters.map((l) => l.messageId)).toEqual([
      twice.messageId,
    ]);
    const again = await replayDeadLetters(connection, deps, { perSecond: 50 });
    expect(again.map((o) => o.outcome)).toEqual(['conflict']);
    expect((await hub.request('enf-a', 'GET', `/v1/referrals/${id}/verify`)).body.valid).toBe(true);
    await connection.close();
  });

  it('is replayed as the agency RabbitMQ checked, whatever x-hub-user-id its publisher set', async () => {
    // A receipt pol-b could give, sent by pol-a in pol-b's name with pol-b's user in a header of its own.
    const { submitted, forged } = await receiptInPolBsName();
    const connection = await hub.agencyConnection('pol-a');
    const channel = await connection.createConfirmChannel();
    channel.publish(`${hub.prefix}hub.commands`, '', Buffer.from(JSON.stringify(forged)), {
      userId: hub.amqpUsers['pol-a']?.user,
      messageId: forged.messageId,
      persistent: true,
      headers: { 'x-hub-user-id': hub.amqpUsers['pol-b']?.user, 'x-hub-sender': 'pol-b' },
    });
    await channel.waitForConfirms();
    const admin = await amqp.connect(hub.config.AMQP_URL);
    const deps = { db: hub.db, directory: hub.directory, commands: hub.commands, prefix: hub.prefix };
    const listed = await waitFor(async () => {
      const { letters } = await listDeadLetters(admin, deps, 100);
      return letters.find((l) => l.messageId === forged.messageId);
    }, 'the refused command');
    expect(listed.sender).toBe('pol-a');
    const [outcome] = await replayDeadLetters(admin, deps, { messageId: forged.messageId, perSecond: 100 });
    // Before: the publisher's header won, and the receipt was applied as pol-b's.
    expect(outcome).toMatchObject({
      outcome: 'unreplayable',
      detail: 'the message still does not parse or names another sender',
    });
    const view = await hub.request('enf-a', 'GET', `/v1/referrals/${submitted.body.id}`);
    expect(view.body.state).toBe('submitted');
    await admin.close();
    await connection.close();
  });
  /**
   * A letter as an older version could write it — pol-b's receipt, pol-b's user in x-hub-user-id (then the
   * publisher's own word) — put straight into the dead-letter queue with `headers`, then replayed: whether
   * the receipt was applied, and what replay said.
   */
  async function replayOlderLetter(headers: Record<string, unknown>) {
    const { submitted, forged } = await receiptInPolBsName();
    const admin = await amqp.connect(hub.config.AMQP_URL);
    const channel = await admin.createConfirmChannel();
    channel.publish(`${hub.prefix}hub.dlx`, 'hub.inbound', Buffer.from(JSON.stringify(forged)), {
      messageId: forged.messageId,
      persistent: true,
      headers: { ...headers, 'x-hub-user-id': hub.amqpUsers['pol-b']?.user },
    });
    await channel.waitForConfirms();
    const deps = { db: hub.db, directory: hub.directory, commands: hub.commands, prefix: hub.prefix };
    const [outcome] = await replayDeadLetters(admin, deps, { messageId: forged.messageId, perSecond: 100 });
    await admin.close();
    const view = await hub.request('enf-a', 'GET', `/v1/referrals/${submitted.body.id}`);
    return { outcome, state: view.body.state };
  }

  it('is not replayed when the intake knew no agency for its user (SENDER_UNKNOWN)', async () => {
    const { outcome, state } = await replayOlderLetter({
      'x-hub-reason-code': 'SENDER_UNKNOWN',
      'x-hub-sender': null,
    });
    expect(outcome).toMatchObject({
      outcome: 'unreplayable',
      detail: 'no agency was known for its user when it was refused; ask the sender to send it again',
    });
    expect(state).toBe('submitted');
  });

  it('is not replayed when its headers disagree on the sender (a letter of an older version)', async () => {
    // The intake's x-hub-sender was always its own: pol-a sent it.
    const { outcome, state } = await replayOlderLetter({
      'x-hub-reason-code': 'ACTOR_NOT_PERMITTED',
      'x-hub-sender': 'pol-a',
    });
    expect(outcome).toMatchObject({
      outcome: 'unreplayable',
      detail: 'its headers name pol-a as the sender, not the agency of its user',
    });
    expect(state).toBe('submitted');
  });
});

describe('a dead letter the queue made by its delivery limit', () => {
  it('still shows the sender, the type from the envelope, the time and the last error the hub saw', async () => {
    // No intake: a consumer of our own hands the command back until the queue gives up on it.
    await hub.workers.intake.stop();
    const submitted = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    const referralId = submitted.body.id as string;
    const poison = action(referralId, { action: 'receipt' });
    await hub.sendCommand('pol-a', poison, { messageId: poison.messageId });
    await recordFailure(hub.db, {
      messageId: poison.messageId,
      sender: null,
      type: null,
      error: 'INTERNAL: the worker died while applying it',
    });
    const connection = await amqp.connect(hub.config.AMQP_URL);
    const channel = await connection.createChannel();
    const inbound = hubTopology(hub.prefix, 1).names.inbound;
    for (let i = 0; i <= hub.config.DELIVERY_LIMIT; i++) {
      const m = await waitFor(() => channel.get(inbound), 'the command redelivered');
      channel.nack(m, false, true);
    }
    const deps = { db: hub.db, directory: hub.directory, commands: hub.commands, prefix: hub.prefix };
    const listed = await waitFor(async () => {
      const { letters } = await listDeadLetters(connection, deps, 50);
      return letters.find((l) => l.messageId === poison.messageId);
    }, 'the letter the queue dead-lettered');
    expect(listed).toMatchObject({
      code: 'DELIVERY_LIMIT',
      type: 'command.action',
      sender: 'pol-a',
      reason: 'last error: INTERNAL: the worker died while applying it',
    });
    expect(Date.parse(listed.deadLetteredAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    // `hub dlq list` says when there are more letters than it printed.
    const { letters, total } = await listDeadLetters(connection, deps, 1);
    expect(letters).toHaveLength(1);
    expect(total).toBeGreaterThan(1);
    const cli = await runHubCli(hub, 'dlq', 'list', '--limit', '1');
    expect(cli.stdout).toMatch(new RegExp(`1 of ${total} dead letters shown`));
    // Once the worker's bug is mended, the letter is replayed as the agency RabbitMQ checked at publishing
    // (the message's user_id: the queue added no x-hub-user-id). Before: "unreplayable: unknown sender".
    const [replayed] = await replayDeadLetters(connection, deps, {
      messageId: poison.messageId,
      perSecond: 100,
    });
    expect(replayed).toMatchObject({ messageId: poison.messageId, outcome: 'applied' });
    const view = await hub.request('enf-a', 'GET', `/v1/referrals/${referralId}`);
    expect(view.body.state).toBe('receipted');
    await connection.close();
  });

  it('is not replayed as a command when it is a notification an agency system refused, and says so', async () => {
    const submitted = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    const referralId = submitted.body.id as string;
    const connection = await amqp.connect(hub.config.AMQP_URL);
    const channel = await connection.createChannel();
    const inbox = `${hub.prefix}inbox.pol-a`;
    let messageId: string | undefined;
    for (let i = 0; i <= hub.config.DELIVERY_LIMIT; i++) {
      // The police's system takes the notice and hands it back, each time, until the queue gives up.
      for (;;) {
        const m = await waitFor(() => channel.get(inbox), 'the notice (again)');
        if (JSON.parse(m.content.toString()).referralId === referralId) {
          messageId = m.properties.messageId;
          channel.nack(m, false, true);
          break;
        }
        channel.ack(m);
      }
    }
    const deps = { db: hub.db, directory: hub.directory, commands: hub.commands, prefix: hub.prefix };
    await waitFor(async () => {
      const { letters } = await listDeadLetters(connection, deps, 100);
      return letters.find((l) => l.messageId === messageId);
    }, 'the notice dead-lettered');
    const [outcome] = await replayDeadLetters(connection, deps, { messageId, perSecond: 100 });
    expect(outcome).toMatchObject({
      messageId,
      outcome: 'unreplayable',
      detail: 'a notification to pol-a that its system did not take: not a command',
    });
    await connection.close();
  });
});
