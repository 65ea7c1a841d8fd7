import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { type ActionCommand, assertNever } from '../schemas/actions.js';
import { HubError } from '../schemas/errors.js';
import { decide, type PartyRole, type State, type Transition } from '../schemas/lifecycle.js';
import type { Envelope } from '../schemas/messages.js';
import type { ReferralKind, Submission } from '../schemas/referral.js';
import type { Db } from './connection.js';
import type { AgencyDirectory, DirectoryAgency } from './directory.js';
import { GENESIS_HASH, hashLink } from './ledger-hash.js';
import { loadReferralRow, partiesOf, type ReferralRow, rolesOf } from './referrals.js';

export type Clock = () => Date;

export type CommandContext = { db: Db; directory: AgencyDirectory; clock: Clock };

/** How a repeated command is recognised: an HTTP Idempotency-Key, or an AMQP message id. */
export type Dedup =
  | { via: 'http'; key: string; requestHash: string }
  | { via: 'amqp'; messageId: string; type: string }
  | undefined;

export type CommandInput =
  | { type: 'submit'; submission: Submission }
  | { type: 'action'; referralId: string; command: ActionCommand };

export type CommandMeta = { dedup: Dedup; correlationId?: string | null; causationId?: string | null };

export type ReferralResult = {
  id: string;
  kind: ReferralKind;
  state: State;
  version: number;
  sender: string;
  recipient: string;
  procuratorate: string | null;
  late: boolean;
  seq: number;
  hash: string;
};

export type CommandOutcome =
  | { status: 'applied'; statusCode: number; body: ReferralResult }
  | { status: 'replayed'; statusCode: number; body: unknown }
  | { status: 'duplicate' };

type OutboxRow = {
  message_id: string;
  recipient_code: string;
  channel: string;
  type: string;
  envelope: Envelope;
};

const MAX_ATTEMPTS = 5;
// Decree 310 Art 5: transfer within 24 h of the head's approval; later transfers are flagged late.
const SEND_WITHIN_MS = 24 * 3600 * 1000;
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The one command path: HTTP actions and AMQP commands both come here. It checks the actor may act in
 * this state, appends the ledger event, moves the referral and writes the outgoing messages, all in one
 * statement (one transaction, one round trip).
 */
export async function applyCommand(
  ctx: CommandContext,
  actor: DirectoryAgency,
  input: CommandInput,
  meta: CommandMeta,
): Promise<CommandOutcome> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const seen = await findPrevious(ctx.db, actor.code, meta.dedup);
    if (seen) return seen;
    const outcome = await tryOnce(ctx, actor, input, meta);
    if (outcome) return outcome;
  }
  throw new HubError('CONCURRENT_UPDATE');
}

async function tryOnce(
  ctx: CommandContext,
  actor: DirectoryAgency,
  input: CommandInput,
  meta: CommandMeta,
): Promise<CommandOutcome | undefined> {
  switch (input.type) {
    case 'submit':
      return submit(ctx, actor, input.submission, meta);
    case 'action':
      return act(ctx, actor, input.referralId, input.command, meta);
    default:
      return assertNever(input);
  }
}

async function submit(
  ctx: CommandContext,
  actor: DirectoryAgency,
  submission: Submission,
  meta: CommandMeta,
): Promise<CommandOutcome | undefined> {
  const decision = decide(submission.kind, null, 'submit', ['sender']);
  if (!decision.ok) throw new HubError(decision.code);
  // Decree 310 Art 2, 5: the transfer is made by an administrative enforcement agency.
  if (actor.kind !== 'enforcement')
    throw new HubError('ACTOR_NOT_PERMITTED', 'only enforcement agencies transfer');
  const recipient = await ctx.directory.get(submission.recipient);
  if (recipient?.kind !== 'police') {
    throw new HubError('RECIPIENT_INVALID', 'a criminal transfer goes to a police agency', {
      recipient: submission.recipient,
    });
  }
  // 抄送: the same-level procuratorate gets a copy of every criminal transfer.
  const procuratorate = await ctx.directory.inRegion(actor.region, 'procuratorate');
  if (!procuratorate) {
    throw new HubError(
      'RECIPIENT_INVALID',
      'no procuratorate is registered for the referring agency region',
      {
        region: actor.region,
      },
    );
  }
  const now = ctx.clock();
  const approvedAt = new Date(submission.approvedAt);
  if (approvedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new HubError('VALIDATION_FAILED', 'approvedAt lies in the future', { path: 'approvedAt' });
  }
  const late = now.getTime() - approvedAt.getTime() > SEND_WITHIN_MS;
  const row: ReferralRow = {
    id: randomUUID(),
    kind: submission.kind,
    state: 'submitted',
    version: 0,
    sender_code: actor.code,
    recipient_code: recipient.code,
    procuratorate_code: procuratorate.code,
    region: actor.region,
    late,
    head_seq: 0,
    head_hash: GENESIS_HASH,
  };
  const step = await buildStep(ctx, row, decision.transition, actor, { ...submission, late }, now, meta);
  const result = { ...step.result, state: decision.transition.to };
  const body = JSON.stringify(submission);
  try {
    await sql`
      WITH ref AS (
        INSERT INTO referrals (id, kind, state, sender_code, recipient_code, procuratorate_code, region, submission,
          approved_at, late, version, head_seq, head_hash, created_at, updated_at)
        VALUES (${row.id}, ${row.kind}, ${result.state}, ${row.sender_code}, ${row.recipient_code},
          ${row.procuratorate_code}, ${row.region}, ${body}::jsonb, ${approvedAt}, ${late}, 1, ${result.seq},
          ${result.hash}, ${now}, ${now})
        RETURNING id
      ), ${writesAfter(sql`ref`, step, actor, meta, result)}
      SELECT count(*)::int AS n FROM ref`.execute(ctx.db);
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
  return { status: 'applied', statusCode: 201, body: result };
}

async function act(
  ctx: CommandContext,
  actor: DirectoryAgency,
  referralId: string,
  command: ActionCommand,
  meta: CommandMeta,
): Promise<CommandOutcome | undefined> {
  const row = await loadReferralRow(ctx.db, referralId);
  const roles = row ? rolesOf(partiesOf(row), actor.code) : [];
  if (!row || roles.length === 0) throw new HubError('REFERRAL_NOT_FOUND', undefined, { referralId });
  const decision = decide(row.kind, row.state, command.action, roles);
  if (!decision.ok) {
    throw new HubError(decision.code, undefined, { referralId, state: row.state, action: command.action });
  }
  const { action: _action, ...data } = command;
  const now = ctx.clock();
  const step = await buildStep(ctx, row, decision.transition, actor, data, now, meta);
  const result = step.result;
  try {
    const out = await sql<{ n: number }>`
      WITH upd AS (
        UPDATE referrals SET state = ${result.state}, version = version + 1, head_seq = ${result.seq},
          head_hash = ${result.hash}, updated_at = ${now}
        WHERE id = ${row.id} AND version = ${row.version}
        RETURNING id
      ), ${writesAfter(sql`upd`, step, actor, meta, result)}
      SELECT count(*)::int AS n FROM upd`.execute(ctx.db);
    // Zero rows: another command moved the referral first (guarded write); decide again.
    if (out.rows[0]?.n !== 1) return undefined;
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
  return { status: 'applied', statusCode: 200, body: result };
}

type Step = { result: ReferralResult; event: Record<string, unknown>; outbox: OutboxRow[] };

/** The ledger event (chained to the referral's head) and one outbox row per party told. */
async function buildStep(
  ctx: CommandContext,
  row: ReferralRow,
  transition: Transition,
  actor: DirectoryAgency,
  data: Record<string, unknown>,
  now: Date,
  meta: CommandMeta,
): Promise<Step> {
  const seq = row.head_seq + 1;
  const occurredAt = now.toISOString();
  const causationId = meta.dedup?.via === 'amqp' ? meta.dedup.messageId : (meta.causationId ?? null);
  const hash = hashLink({
    referralId: row.id,
    seq,
    event: transition.event,
    action: transition.action,
    actor: actor.code,
    occurredAt,
    payload: data,
    prevHash: row.head_hash,
  });
  const result: ReferralResult = {
    id: row.id,
    kind: row.kind,
    state: transition.to,
    version: row.version + 1,
    sender: row.sender_code,
    recipient: row.recipient_code,
    procuratorate: row.procuratorate_code,
    late: row.late,
    seq,
    hash,
  };
  const outbox: OutboxRow[] = [];
  for (const role of transition.notify) {
    const code = partyCode(row, role);
    if (!code || code === actor.code) continue;
    const envelope: Envelope = {
      messageId: randomUUID(),
      type: `referral.${transition.event}`,
      referralId: row.id,
      sender: actor.code,
      recipient: code,
      occurredAt,
      correlationId: meta.correlationId ?? row.id,
      causationId,
      payload: {
        referralId: row.id,
        kind: row.kind,
        state: transition.to,
        event: transition.event,
        role,
        seq,
        hash,
        actor: actor.code,
        data,
      },
    };
    outbox.push({
      message_id: envelope.messageId,
      recipient_code: code,
      channel: await ctx.directory.channelOf(code),
      type: envelope.type,
      envelope,
    });
  }
  const event = {
    seq,
    event: transition.event,
    action: transition.action,
    actor_code: actor.code,
    occurred_at: occurredAt,
    payload: data,
    message_id: causationId,
    prev_hash: row.head_hash,
    hash,
  };
  return { result, event, outbox };
}

/** The ledger, outbox and de-duplication inserts, each guarded by the CTE that moved the referral. */
function writesAfter(
  source: ReturnType<typeof sql>,
  step: Step,
  actor: DirectoryAgency,
  meta: CommandMeta,
  result: ReferralResult,
) {
  const e = step.event;
  const ledger = sql`ev AS (
      INSERT INTO ledger_events (referral_id, seq, event, action, actor_code, occurred_at, payload, message_id, prev_hash, hash)
      SELECT id, ${e.seq}, ${e.event}, ${e.action}, ${e.actor_code}, ${e.occurred_at}, ${JSON.stringify(e.payload)}::jsonb,
        ${e.message_id}, ${e.prev_hash}, ${e.hash}
      FROM ${source}
    ), ob AS (
      INSERT INTO outbox (message_id, recipient_code, channel, type, referral_id, envelope)
      SELECT m.message_id, m.recipient_code, m.channel, m.type, s.id, m.envelope
      FROM ${source} s, jsonb_to_recordset(${JSON.stringify(step.outbox)}::jsonb)
        AS m(message_id uuid, recipient_code text, channel text, type text, envelope jsonb)
    )`;
  const dedup = meta.dedup;
  if (!dedup) return ledger;
  if (dedup.via === 'amqp') {
    return sql`${ledger}, dd AS (
      INSERT INTO processed_messages (message_id, sender_code, type, outcome)
      SELECT ${dedup.messageId}, ${actor.code}, ${dedup.type}, 'applied' FROM ${source}
    )`;
  }
  const status = result.seq === 1 ? 201 : 200;
  return sql`${ledger}, dd AS (
    INSERT INTO idempotency_keys (agency_code, key, request_hash, status_code, response)
    SELECT ${actor.code}, ${dedup.key}, ${dedup.requestHash}, ${status}, ${JSON.stringify(result)}::jsonb FROM ${source}
  )`;
}

async function findPrevious(db: Db, agencyCode: string, dedup: Dedup): Promise<CommandOutcome | undefined> {
  if (!dedup) return undefined;
  if (dedup.via === 'amqp') {
    const seen = await db
      .selectFrom('processed_messages')
      .select('message_id')
      .where('message_id', '=', dedup.messageId)
      .executeTakeFirst();
    return seen ? { status: 'duplicate' } : undefined;
  }
  const seen = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status_code', 'response'])
    .where('agency_code', '=', agencyCode)
    .where('key', '=', dedup.key)
    .executeTakeFirst();
  if (!seen) return undefined;
  if (seen.request_hash !== dedup.requestHash) throw new HubError('IDEMPOTENCY_KEY_REUSED');
  return { status: 'replayed', statusCode: seen.status_code, body: seen.response };
}

function partyCode(row: ReferralRow, role: PartyRole): string | null {
  switch (role) {
    case 'sender':
      return row.sender_code;
    case 'recipient':
      return row.recipient_code;
    case 'procuratorate':
      return row.procuratorate_code;
    default:
      return assertNever(role);
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}
