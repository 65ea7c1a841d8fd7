import { createHash } from 'node:crypto';
import type { ChannelModel, GetMessage } from 'amqplib';
import { applyCommand, type CommandContext } from '../db/command-path.js';
import { loadReferralRow, partiesOf, rolesOf } from '../db/referrals.js';
import { decide } from '../schemas/lifecycle.js';
import { parseCommand } from '../schemas/messages.js';

export type DeadLetter = {
  messageId: string | null;
  type: string | null;
  code: string | null;
  reason: string | null;
  sender: string | null;
  deadLetteredAt: string | null;
};

const header = (m: GetMessage, name: string) => {
  const v = m.properties.headers?.[name];
  return v === undefined || v === null ? null : String(v);
};

function describe(m: GetMessage): DeadLetter {
  return {
    messageId: m.properties.messageId ?? null,
    type: m.properties.type ?? null,
    code: header(m, 'x-hub-reason-code') ?? (m.properties.headers?.['x-death'] ? 'DELIVERY_LIMIT' : null),
    reason: header(m, 'x-hub-reason'),
    sender: header(m, 'x-hub-sender'),
    deadLetteredAt: header(m, 'x-hub-dead-lettered-at'),
  };
}

/** Reads the dead-letter queue without removing anything (each message is returned to the queue). */
export async function listDeadLetters(
  connection: ChannelModel,
  prefix: string,
  limit: number,
): Promise<DeadLetter[]> {
  const channel = await connection.createChannel();
  const taken: GetMessage[] = [];
  for (let i = 0; i < limit; i++) {
    const m = await channel.get(`${prefix}hub.dead`);
    if (!m) break;
    taken.push(m);
  }
  for (const m of taken) channel.nack(m, false, true);
  await channel.close();
  return taken.map(describe);
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

/**
 * Replays dead letters through the same command path, as the agency that sent them (RabbitMQ's user_id,
 * kept in x-hub-user-id). The referral's current state is checked first: a command the lifecycle no longer
 * allows is reported as a conflict and stays in the queue. Applied replays carry `replayOf` on the ledger.
 */
export async function replayDeadLetters(
  ctx: CommandContext,
  connection: ChannelModel,
  prefix: string,
  options: {
    messageId?: string;
    perSecond: number;
    onProgress?: (done: number, outcome: ReplayOutcome) => void;
  },
): Promise<ReplayOutcome[]> {
  const channel = await connection.createChannel();
  const keep: GetMessage[] = [];
  const outcomes: ReplayOutcome[] = [];
  try {
    for (;;) {
      const m = await channel.get(`${prefix}hub.dead`);
      if (!m) break;
      if (options.messageId && m.properties.messageId !== options.messageId) {
        keep.push(m);
        continue;
      }
      const outcome = await replayOne(ctx, m);
      outcomes.push(outcome);
      if (outcome.outcome === 'applied' || outcome.outcome === 'duplicate') channel.ack(m);
      else keep.push(m);
      options.onProgress?.(outcomes.length, outcome);
      await new Promise((resolve) => setTimeout(resolve, 1000 / options.perSecond));
    }
  } finally {
    for (const m of keep) channel.nack(m, false, true);
    await channel.close().catch(() => {});
  }
  return outcomes;
}

async function replayOne(ctx: CommandContext, m: GetMessage): Promise<ReplayOutcome> {
  const base = describe(m);
  const userId = header(m, 'x-hub-user-id');
  const agency = userId ? await ctx.directory.byUser(userId) : undefined;
  const parsed = parseCommand(m.content);
  if (!agency || !parsed.ok || parsed.value.sender !== agency.code) {
    return {
      ...base,
      outcome: 'unreplayable',
      detail: agency ? 'the message still does not parse or names another sender' : 'unknown sender',
    };
  }
  const command = parsed.value;
  if (command.type === 'command.action') {
    const row = await loadReferralRow(ctx.db, command.referralId);
    const roles = row ? rolesOf(partiesOf(row), agency.code) : [];
    const decision = row ? decide(row.kind, row.state, command.payload.action, roles) : undefined;
    if (!row || !decision?.ok) {
      return {
        ...base,
        outcome: 'conflict',
        detail: row ? `${command.payload.action} is not allowed in state ${row.state}` : 'no such referral',
      };
    }
  }
  const dedup = { via: 'amqp' as const, messageId: replayId(command.messageId), type: command.type };
  const meta = { dedup, correlationId: command.correlationId, replayOf: command.messageId };
  try {
    const input =
      command.type === 'command.action'
        ? { type: 'action' as const, referralId: command.referralId, command: command.payload }
        : command.type === 'command.submit'
          ? { type: 'submit' as const, submission: command.payload }
          : command.type === 'command.brief'
            ? { type: 'brief' as const, briefing: command.payload }
            : undefined;
    if (!input) return { ...base, outcome: 'unreplayable', detail: 'acknowledgments are not replayed' };
    const result = await applyCommand(ctx, agency, input, meta);
    return { ...base, outcome: result.status === 'duplicate' ? 'duplicate' : 'applied' };
  } catch (error) {
    return { ...base, outcome: 'conflict', detail: (error as Error).message };
  }
}
