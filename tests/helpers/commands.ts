import { randomUUID } from 'node:crypto';
import type { TestHub } from './test-hub.js';
import { waitFor } from './wait.js';

export type CommandRefs = {
  correlationId?: string | null;
  causationId?: string | null;
  messageId?: string;
  occurredAt?: Date;
};

/**
 * A command as an agency's system sends it to the hub over AMQP (`hub.sendCommand`): a fresh message id and
 * the time now unless given; no referral, correlation or causation unless given.
 */
export function commandEnvelope(
  sender: string,
  type: string,
  payload: unknown,
  refs: CommandRefs & { referralId?: string | null } = {},
) {
  return {
    messageId: refs.messageId ?? randomUUID(),
    type,
    referralId: refs.referralId ?? null,
    sender,
    recipient: 'hub',
    occurredAt: (refs.occurredAt ?? new Date()).toISOString(),
    correlationId: refs.correlationId ?? null,
    causationId: refs.causationId ?? null,
    payload,
  };
}

/** The dead letter with this message id, once it is there; the others drained on the way are kept aside. */
export async function deadLetterWith(hub: TestHub, messageId: string) {
  const seen: Awaited<ReturnType<TestHub['drainDeadLetters']>> = [];
  return waitFor(async () => {
    seen.push(...(await hub.drainDeadLetters()));
    return seen.find((m) => m.properties.messageId === messageId);
  }, `the dead letter ${messageId}`);
}

/** An action on a referral (`command.action`), as `commandEnvelope` builds it. */
export function actionCommand(sender: string, referralId: string, payload: unknown, refs: CommandRefs = {}) {
  return commandEnvelope(sender, 'command.action', payload, { ...refs, referralId });
}
