import { createHash } from 'node:crypto';
import type { Channel, ChannelModel, GetMessage } from 'amqplib';
import { failuresOf } from '../db/command-failures.js';
import type { CommandPath } from '../db/command-path.js';
import type { Db } from '../db/connection.js';
import type { AgencyDirectory } from '../db/directory.js';
import { commandOf } from '../schemas/commands.js';
import { parseCommand } from '../schemas/messages.js';
import { headerOf } from './dead-letter-headers.js';
import { hubTopology } from './topology.js';

export type DeadLetter = {
  messageId: string | null;
  type: string | null;
  code: string | null;
  reason: string | null;
  sender: string | null;
  deadLetteredAt: string | null;
};

/** What the envelope itself says, for a letter without the hub's headers (dead-lettered by the queue). */
function envelopeFacts(m: GetMessage): { type: string | null; sender: string | null } {
  try {
    const json = JSON.parse(m.content.toString('utf8')) as { type?: unknown; sender?: unknown };
    return {
      type: typeof json.type === 'string' ? json.type : null,
      sender: typeof json.sender === 'string' ? json.sender : null,
    };
  } catch {
    return { type: null, sender: null };
  }
}

/** RabbitMQ's latest x-death record, on a letter a queue made by its delivery limit. */
function lastDeath(m: GetMessage): { queue?: unknown; time?: { value?: number } | Date } | undefined {
  const deaths = m.properties.headers?.['x-death'] as
    | { queue?: unknown; time?: { value?: number } | Date }[]
    | undefined;
  return deaths?.[0];
}

/** The queue a letter the queue made by its delivery limit came from. */
function deathQueue(m: GetMessage): string | undefined {
  const queue = lastDeath(m)?.queue;
  return typeof queue === 'string' ? queue : undefined;
}

/** When RabbitMQ dead-lettered it, for a letter a queue made by its delivery limit. */
function deathTime(m: GetMessage): string | null {
  const time = lastDeath(m)?.time;
  if (time instanceof Date) return time.toISOString();
  if (time && typeof time.value === 'number') return new Date(time.value * 1000).toISOString();
  return null;
}

/**
 * RabbitMQ's user_id, which the broker checked at publishing: on the message itself when a queue
 * dead-lettered it by its delivery limit; in x-hub-user-id when the intake did (it republishes the letter as
 * the hub, and keeps no x-hub-* header a publisher set).
 */
function publisherUser(m: GetMessage): string | null {
  return (m.properties.userId as string | undefined) ?? headerOf(m, 'x-hub-user-id');
}

async function describeAll(
  letters: GetMessage[],
  deps: { db: Db; directory: AgencyDirectory },
): Promise<DeadLetter[]> {
  const ids = letters.map((m) => String(m.properties.messageId ?? '')).filter((id) => id.length > 0);
  const failures = await failuresOf(deps.db, ids).catch(() => new Map());
  const described: DeadLetter[] = [];
  for (const m of letters) {
    const facts = envelopeFacts(m);
    const limit = m.properties.headers?.['x-death'] && !headerOf(m, 'x-hub-reason-code');
    const failure = failures.get(String(m.properties.messageId ?? ''));
    const userId = publisherUser(m);
    const byUser = userId ? (await deps.directory.byUser(userId))?.code : undefined;
    described.push({
      messageId: m.properties.messageId ?? null,
      type: m.properties.type ?? facts.type,
      code: headerOf(m, 'x-hub-reason-code') ?? (limit ? 'DELIVERY_LIMIT' : null),
      reason:
        headerOf(m, 'x-hub-reason') ??
        (failure
          ? `last error: ${failure.error}`
          : limit
            ? 'redelivered too often; no error recorded'
            : null),
      sender: headerOf(m, 'x-hub-sender') ?? byUser ?? facts.sender,
      deadLetteredAt: headerOf(m, 'x-hub-dead-lettered-at') ?? deathTime(m),
    });
  }
  return described;
}

/** Reads the dead-letter queue without removing anything (each message is returned to the queue). */
export async function listDeadLetters(
  connection: ChannelModel,
  deps: { db: Db; directory: AgencyDirectory; prefix: string },
  limit: number,
): Promise<{ letters: DeadLetter[]; total: number }> {
  const queue = hubTopology(deps.prefix, 1).names.dead;
  const channel = await connection.createChannel();
  const { messageCount } = await channel.checkQueue(queue);
  const taken: GetMessage[] = [];
  for (let i = 0; i < limit; i++) {
    const m = await channel.get(queue);
    if (!m) break;
    taken.push(m);
  }
  const total = Math.max(messageCount, taken.length);
  await putBack(channel, queue, taken, total);
  await channel.close();
  return { letters: await describeAll(taken, deps), total };
}

/**
 * Returns letters to the dead-letter queue. They go back through the queue's log: this waits (a second at
 * most) until the queue counts `atLeast` again, so that a list or a replay right after this one finds them
 * all (a list right after another once saw one letter of two).
 */
async function putBack(
  channel: Channel,
  queue: string,
  letters: GetMessage[],
  atLeast: number,
): Promise<void> {
  for (const m of letters) channel.nack(m, false, true);
  for (let i = 0; i < 50 && letters.length > 0; i++) {
    if ((await channel.checkQueue(queue)).messageCount >= atLeast) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A replay's own message id, derived from the original so that replaying twice applies once. */
export function replayId(original: string): string {
  const h = createHash('sha256').update(`replay:${original}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export type ReplayOutcome = DeadLetter & {
  outcome: 'applied' | 'duplicate' | 'conflict' | 'unreplayable';
  detail?: string;
};

type ReplayDeps = { db: Db; directory: AgencyDirectory; commands: CommandPath; prefix: string };

/**
 * Replays dead letters through the one command path, as the agency that sent them (RabbitMQ's user_id: the
 * message's own when a queue dead-lettered it, kept in x-hub-user-id when the intake did). A command the
 * referral's current state no longer allows is refused by the decision, reported as a conflict and stays in
 * the queue. Applied replays carry `replayOf` on the ledger.
 */
export async function replayDeadLetters(
  connection: ChannelModel,
  deps: ReplayDeps,
  options: {
    messageId?: string;
    perSecond: number;
    onProgress?: (done: number, outcome: ReplayOutcome) => void;
  },
): Promise<ReplayOutcome[]> {
  const queue = hubTopology(deps.prefix, 1).names.dead;
  const channel = await connection.createChannel();
  const keep: GetMessage[] = [];
  const outcomes: ReplayOutcome[] = [];
  try {
    for (;;) {
      const m = await channel.get(queue);
      if (!m) break;
      if (options.messageId && m.properties.messageId !== options.messageId) {
        keep.push(m);
        continue;
      }
      const outcome = await replayOne(deps, m);
      outcomes.push(outcome);
      if (outcome.outcome === 'applied' || outcome.outcome === 'duplicate') channel.ack(m);
      else keep.push(m);
      options.onProgress?.(outcomes.length, outcome);
      await new Promise((resolve) => setTimeout(resolve, 1000 / options.perSecond));
    }
  } finally {
    await putBack(channel, queue, keep, keep.length).catch(() => {});
    await channel.close().catch(() => {});
  }
  return outcomes;
}

async function replayOne(deps: ReplayDeps, m: GetMessage): Promise<ReplayOutcome> {
  const [base] = await describeAll([m], deps);
  const described = base as DeadLetter;
  const inbox = deathQueue(m);
  if (inbox?.startsWith(`${deps.prefix}inbox.`)) {
    // The hub's own notification, which the agency's system refused until the queue gave up on it.
    return {
      ...described,
      outcome: 'unreplayable',
      detail: `a notification to ${inbox.slice(`${deps.prefix}inbox.`.length)} that its system did not take: not a command`,
    };
  }
  const userId = publisherUser(m);
  const agency = userId ? await deps.directory.byUser(userId) : undefined;
  // The intake's own record of the sender (always set after the publisher's headers, also in letters of
  // older versions, whose x-hub-user-id a publisher could set): the two must agree.
  const recorded = headerOf(m, 'x-hub-sender');
  if (agency && m.properties.userId === undefined && recorded === null) {
    // The intake knew no agency for its user (SENDER_UNKNOWN); in an older letter that user was the
    // publisher's own word, so it is not taken for it now.
    return {
      ...described,
      outcome: 'unreplayable',
      detail: 'no agency was known for its user when it was refused; ask the sender to send it again',
    };
  }
  if (agency && recorded !== null && recorded !== agency.code) {
    return {
      ...described,
      outcome: 'unreplayable',
      detail: `its headers name ${recorded} as the sender, not the agency of its user`,
    };
  }
  const parsed = parseCommand(m.content);
  if (!agency || !parsed.ok || parsed.value.sender !== agency.code) {
    return {
      ...described,
      outcome: 'unreplayable',
      detail: agency ? 'the message still does not parse or names another sender' : 'unknown sender',
    };
  }
  const meaning = commandOf(parsed.value, parsed.json);
  if (meaning.kind === 'ack') {
    return { ...described, outcome: 'unreplayable', detail: 'acknowledgments are not replayed' };
  }
  const messageId = replayId(parsed.value.messageId);
  const meta = { correlationId: parsed.value.correlationId, messageId, replayOf: parsed.value.messageId };
  const dedup = { via: 'amqp' as const, messageId, sender: agency.code, type: parsed.value.type };
  try {
    const result = await deps.commands.execute(agency, meaning.command, meta, dedup);
    return { ...described, outcome: result.status === 'duplicate' ? 'duplicate' : 'applied' };
  } catch (error) {
    return { ...described, outcome: 'conflict', detail: (error as Error).message };
  }
}
