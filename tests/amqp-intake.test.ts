import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryRecord } from '../db/outbox.js';
import { actionCommand, commandEnvelope, deadLetterWith } from './helpers/commands.js';
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

/** The agency's `command.rejected` notice for a message, as its system receives it. */
async function rejectionFor(agency: string, messageId: string) {
  const inbox = await hub.inbox(agency);
  return waitFor(
    () =>
      inbox.received.find(
        (r) => r.envelope.type === 'command.rejected' && r.envelope.causationId === messageId,
      ),
    `the rejection notice for ${messageId}`,
  );
}

describe('commands over AMQP', () => {
  it('submits a transfer sent as a command and delivers it like an HTTP one', async () => {
    const police = await hub.consumeInbox('pol-a');
    const command = commandEnvelope('enf-a', 'command.submit', criminalTransfer());
    await hub.sendCommand('enf-a', command);
    const delivered = await waitFor(
      () => police.received.find((r) => r.envelope.causationId === command.messageId),
      'the police delivery',
    );
    expect(delivered.envelope).toMatchObject({
      type: 'referral.submitted',
      sender: 'enf-a',
      recipient: 'pol-a',
    });
    const referral = await hub.request('enf-a', 'GET', `/v1/referrals/${delivered.envelope.referralId}`);
    expect(referral.body.ledger[0]).toMatchObject({ event: 'submitted', messageId: command.messageId });
    await police.close();
  });

  it('dead-letters a message that is not JSON with its reason, and tells the sender', async () => {
    const messageId = randomUUID();
    await hub.sendCommand('pol-a', null, { raw: Buffer.from('{not json'), messageId });
    const dead = await deadLetterWith(hub, messageId);
    expect(dead.properties.headers?.['x-hub-reason-code']).toBe('MESSAGE_INVALID');
    expect(dead.properties.headers?.['x-hub-sender']).toBe('pol-a');
    expect(dead.content.toString()).toBe('{not json');
    const notice = await rejectionFor('pol-a', messageId);
    expect(notice.envelope).toMatchObject({
      sender: 'hub',
      payload: { code: 'MESSAGE_INVALID', rejectedMessageId: messageId },
    });
  });

  it('dead-letters a receipt from the referring agency with ACTOR_NOT_PERMITTED and writes no ledger event', async () => {
    const referral = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    const command = actionCommand('enf-a', referral.body.id, { action: 'receipt' });
    await hub.sendCommand('enf-a', command);
    const dead = await deadLetterWith(hub, command.messageId);
    expect(dead.properties.headers?.['x-hub-reason-code']).toBe('ACTOR_NOT_PERMITTED');
    const notice = await rejectionFor('enf-a', command.messageId);
    expect(notice.envelope.referralId).toBe(referral.body.id);
    const ledger = await hub.db
      .selectFrom('ledger_events')
      .select('event')
      .where('referral_id', '=', referral.body.id)
      .execute();
    expect(ledger.map((e) => e.event)).toEqual(['submitted']);
  });

  it('rejects an envelope whose sender is not the authenticated agency', async () => {
    const referral = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    // pol-b signs in as itself but claims to be pol-a, the recipient.
    const command = actionCommand('pol-a', referral.body.id, { action: 'receipt' });
    await hub.sendCommand('pol-b', command);
    const dead = await deadLetterWith(hub, command.messageId);
    expect(dead.properties.headers?.['x-hub-reason-code']).toBe('ACTOR_NOT_PERMITTED');
    await rejectionFor('pol-b', command.messageId);
    const view = await hub.request('enf-a', 'GET', `/v1/referrals/${referral.body.id}`);
    expect(view.body.state).toBe('submitted');
  });

  it('is refused by the broker when an agency sets another agency user_id', async () => {
    const connection = await hub.agencyConnection('pol-b');
    const channel = await connection.createConfirmChannel();
    const closed = new Promise<Error>((resolve) => channel.on('error', resolve));
    channel.publish(`${hub.prefix}hub.commands`, '', Buffer.from('{}'), {
      userId: hub.amqpUsers['pol-a']?.user,
    });
    const error = await closed;
    expect(error.message).toMatch(/PRECONDITION_FAILED.*user_id/);
  });

  it('refuses to let an agency user read another agency inbox', async () => {
    const connection = await hub.agencyConnection('pol-b');
    const channel = await connection.createChannel();
    const closed = new Promise<Error>((resolve) => channel.on('error', resolve));
    await channel.consume(`${hub.prefix}inbox.pol-a`, () => {}).catch(() => {});
    expect((await closed).message).toMatch(/ACCESS_REFUSED/);
  });

  it('records an acknowledgment sent as a command', async () => {
    const referral = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    const row = await waitFor(async () => {
      const record = await deliveryRecord(hub.db, { referralId: referral.body.id });
      return record.find((d) => d.recipient === 'pol-a' && d.status === 'published');
    }, 'the published delivery');
    await hub.sendCommand('pol-a', commandEnvelope('pol-a', 'command.ack', { messageIds: [row.messageId] }));
    const acked = await waitFor(async () => {
      const [record] = await deliveryRecord(hub.db, { messageId: row.messageId });
      return record?.status === 'acknowledged' ? record : undefined;
    }, 'the acknowledgment');
    expect(acked.acknowledgedAt).toMatch(/^\d{4}-/);
  });
});
