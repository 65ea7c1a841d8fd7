import { randomUUID } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import { type ActionCommand, assertNever, type Briefing } from '../schemas/actions.js';
import { DEADLINE_RULES } from '../schemas/deadlines.js';
import { HubError } from '../schemas/errors.js';
import {
  decide,
  FORWARD_TARGETS,
  KIND_PARTIES,
  type PartyRole,
  type State,
  type Transition,
} from '../schemas/lifecycle.js';
import type { Envelope } from '../schemas/messages.js';
import type { ReferralKind, Submission } from '../schemas/referral.js';
import type { Db } from './connection.js';
import type { DeadlinePolicy } from './deadline-policy.js';
import type { AgencyDirectory, DirectoryAgency } from './directory.js';
import { GENESIS_HASH, hashLink } from './ledger-hash.js';
import { loadReferralRow, type Parties, partiesOf, type ReferralRow, rolesOf } from './referrals.js';
import { canSee, scopeOf } from './visibility.js';

export type Clock = () => Date;

export type CommandContext = { db: Db; directory: AgencyDirectory; clock: Clock; policy: DeadlinePolicy };

/** How a repeated command is recognised: an HTTP Idempotency-Key, or an AMQP message id. */
export type Dedup =
  | { via: 'http'; key: string; requestHash: string }
  | { via: 'amqp'; messageId: string; type: string }
  | undefined;

export type CommandInput =
  | { type: 'submit'; submission: Submission }
  | { type: 'action'; referralId: string; command: ActionCommand }
  | { type: 'brief'; briefing: Briefing };

export type CommandMeta = {
  dedup: Dedup;
  correlationId?: string | null;
  causationId?: string | null;
  /** A dead letter being replayed (hub dlq replay): its message id goes on the ledger. */
  replayOf?: string;
};

export type ReferralResult = {
  id: string;
  kind: ReferralKind;
  state: State;
  version: number;
  sender: string;
  recipient: string;
  procuratorate: string | null;
  copies: string[];
  late: boolean;
  seq: number;
  hash: string;
};

export type CommandOutcome =
  | { status: 'applied'; statusCode: number; body: ReferralResult }
  | { status: 'briefed'; statusCode: number; body: BriefingResult }
  | { status: 'replayed'; statusCode: number; body: unknown }
  | { status: 'duplicate' };

export type OutboxRow = {
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
  // An AMQP action checks its message id while loading the referral (act), saving a round trip.
  const checkedInAct = input.type === 'action' && meta.dedup?.via === 'amqp';
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const seen = checkedInAct ? undefined : await findPrevious(ctx.db, actor.code, meta.dedup);
    if (seen) return seen;
    const outcome = await tryOnce(ctx, actor, input, meta);
    if (outcome) return outcome;
  }
  throw new HubError('CONCURRENT_UPDATE');
}

function tryOnce(
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
    case 'brief':
      return briefStandalone(ctx, actor, input.briefing, meta);
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
  const allowed = KIND_PARTIES[submission.kind];
  if (!allowed.senders.includes(actor.kind)) {
    throw new HubError('ACTOR_NOT_PERMITTED', `a ${actor.kind} agency may not submit a ${submission.kind}`);
  }
  const recipient = await ctx.directory.get(submission.recipient);
  if (!recipient || !allowed.recipients.includes(recipient.kind) || recipient.code === actor.code) {
    throw new HubError(
      'RECIPIENT_INVALID',
      `a ${submission.kind} goes to: ${allowed.recipients.join(', ')}`,
      {
        recipient: submission.recipient,
      },
    );
  }
  const procuratorate = await procuratorateFor(ctx, submission.kind, actor, recipient);
  const copies = await copiesFor(ctx, submission.kind, actor.region);
  const now = ctx.clock();
  let late = false;
  let approvedAt: Date | null = null;
  if (submission.kind === 'criminal_transfer') {
    approvedAt = new Date(submission.approvedAt);
    if (approvedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
      throw new HubError('VALIDATION_FAILED', 'approvedAt lies in the future', { path: 'approvedAt' });
    }
    late = now.getTime() - approvedAt.getTime() > SEND_WITHIN_MS;
  }
  const row: ReferralRow = {
    id: randomUUID(),
    kind: submission.kind,
    state: 'submitted',
    version: 0,
    sender_code: actor.code,
    recipient_code: recipient.code,
    procuratorate_code: procuratorate,
    copy_codes: copies,
    participant_codes: unique([actor.code, recipient.code, procuratorate, ...copies]),
    region: actor.region,
    late,
    head_seq: 0,
    head_hash: GENESIS_HASH,
  };
  const data = submission.kind === 'criminal_transfer' ? { ...submission, late } : { ...submission };
  const step = await buildStep(ctx, row, row, decision.transition, actor, data, now, meta);
  const r = step.result;
  try {
    await sql`
      WITH ref AS (
        INSERT INTO referrals (id, kind, state, sender_code, recipient_code, procuratorate_code, copy_codes,
          participant_codes, region, submission, approved_at, late, version, head_seq, head_hash, created_at, updated_at,
          milestones, facts)
        VALUES (${row.id}, ${row.kind}, ${r.state}, ${row.sender_code}, ${row.recipient_code},
          ${row.procuratorate_code}, ${row.copy_codes}::text[], ${row.participant_codes}::text[], ${row.region},
          ${JSON.stringify(submission)}::jsonb, ${approvedAt}, ${late}, 1, ${r.seq}, ${r.hash}, ${now}, ${now},
          ${JSON.stringify({ submitted: now.toISOString() })}::jsonb, ${JSON.stringify(submissionFacts(submission, late))}::jsonb)
        RETURNING id
      ), ${writesAfter(sql`ref`, step, actor, meta)}
      SELECT count(*)::int AS n FROM ref`.execute(ctx.db);
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
  return { status: 'applied', statusCode: 201, body: r };
}

async function act(
  ctx: CommandContext,
  actor: DirectoryAgency,
  referralId: string,
  command: ActionCommand,
  meta: CommandMeta,
): Promise<CommandOutcome | undefined> {
  const row = await loadReferralRow(
    ctx.db,
    referralId,
    meta.dedup?.via === 'amqp' ? meta.dedup.messageId : undefined,
  );
  if (row?.seen) return { status: 'duplicate' };
  const roles = row ? rolesOf(partiesOf(row), actor.code) : [];
  if (!row) throw new HubError('REFERRAL_NOT_FOUND', undefined, { referralId });
  if (roles.length === 0) {
    // One who may read it (a former recipient, a coordinator) learns it may not act; others learn nothing.
    const visible = canSee(await scopeOf(ctx.directory, actor), {
      ...row,
      participants: row.participant_codes,
    });
    throw new HubError(visible ? 'ACTOR_NOT_PERMITTED' : 'REFERRAL_NOT_FOUND', undefined, { referralId });
  }
  const decision = decide(row.kind, row.state, command.action, roles);
  if (!decision.ok) {
    throw new HubError(decision.code, undefined, { referralId, state: row.state, action: command.action });
  }
  const { action: _action, ...given } = command;
  // Decree 310 Art 8, MPS Art 180(1): a decline returns the case files with it.
  const fields = command.action === 'decline' ? { ...given, documentsReturned: true } : given;
  const next = command.action === 'forward' ? await forwardedRow(ctx, row, command.to) : row;
  const now = ctx.clock();
  const briefing =
    command.action === 'brief' ? await newBriefing(ctx, actor, command, row.id, now, meta) : undefined;
  const data = briefing ? { ...fields, briefingId: briefing.record.id } : fields;
  const step = await buildStep(ctx, row, next, decision.transition, actor, data, now, meta);
  if (briefing) {
    step.outbox.push(...briefing.outbox);
    step.briefing = briefing.record;
  }
  const r = step.result;
  try {
    const out = await sql<{ n: number }>`
      WITH upd AS (
        UPDATE referrals SET state = ${r.state}, recipient_code = ${next.recipient_code},
          milestones = CASE WHEN milestones ? ${decision.transition.event} THEN milestones
            ELSE milestones || jsonb_build_object(${decision.transition.event}::text, ${now.toISOString()}::text) END,
          facts = facts || ${JSON.stringify(factsOf(command))}::jsonb,
          participant_codes = ${next.participant_codes}::text[], version = version + 1, head_seq = ${r.seq},
          head_hash = ${r.hash}, updated_at = ${now}
        WHERE id = ${row.id} AND version = ${row.version}
        RETURNING id
      ), ${writesAfter(sql`upd`, step, actor, meta)}
      SELECT count(*)::int AS n FROM upd`.execute(ctx.db);
    // Zero rows: another command moved the referral first (guarded write); decide again.
    if (out.rows[0]?.n !== 1) return undefined;
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
  return { status: 'applied', statusCode: 200, body: r };
}

/** What the statistics group by, kept on the referral row (the ledger stays the record). */
function factsOf(command: ActionCommand): Record<string, unknown> {
  switch (command.action) {
    case 'decline':
      return { declineReason: command.reasonCode, documentsReturned: true };
    case 'file':
      return { documentsReturned: false };
    case 'report_handling':
      return {
        handlingOutcome: command.outcome,
        ...(command.amountYuan === undefined ? {} : { penaltyYuan: command.amountYuan }),
      };
    case 'report_progress':
      return { progressStage: command.stage };
    case 'forward':
      return { forwarded: true };
    default:
      return {};
  }
}

function submissionFacts(submission: Submission, late: boolean): Record<string, unknown> {
  switch (submission.kind) {
    case 'criminal_transfer':
      return { late, priorPenalties: submission.priorPenalties.map((p) => p.decisionNo) };
    case 'reverse_transfer':
      return { basis: submission.basis };
    case 'duty_clue':
      return { suspectedConduct: submission.suspectedConduct };
    default:
      return assertNever(submission);
  }
}

/** Decree 310 Art 7 / Supervision Law Art 35: the competent organ becomes the recipient. */
async function forwardedRow(ctx: CommandContext, row: ReferralRow, to: string): Promise<ReferralRow> {
  const target = await ctx.directory.get(to);
  const kinds = FORWARD_TARGETS[row.kind] ?? [];
  if (!target || !kinds.includes(target.kind) || row.participant_codes.includes(to)) {
    throw new HubError('RECIPIENT_INVALID', `a ${row.kind} may be forwarded to: ${kinds.join(', ')}`, { to });
  }
  return { ...row, recipient_code: to, participant_codes: unique([...row.participant_codes, to]) };
}

/** 抄送: the procuratorate of the referring agency's region gets every criminal transfer. */
async function procuratorateFor(
  ctx: CommandContext,
  kind: ReferralKind,
  actor: DirectoryAgency,
  recipient: DirectoryAgency,
): Promise<string | null> {
  if (kind !== 'criminal_transfer') {
    if (actor.kind === 'procuratorate') return actor.code;
    return recipient.kind === 'procuratorate' ? recipient.code : null;
  }
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
  return procuratorate.code;
}

/** A region may ask that its justice bureau gets a copy of transfers and reverse transfers (L2). */
async function copiesFor(ctx: CommandContext, kind: ReferralKind, region: string): Promise<string[]> {
  if (kind === 'duty_clue') return [];
  if (!(await ctx.policy.justiceCopy(region))) return [];
  const bureau = await ctx.directory.inRegion(region, 'justice_bureau');
  return bureau ? [bureau.code] : [];
}

type BriefingRecord = { id: string; subject: string; body: string; recipients: string[]; region: string };
type DutyRow = {
  id: string;
  rule_id: string;
  region: string;
  title: string;
  source: string;
  is_window: boolean;
  responsible_code: string;
  counterparty_code: string | null;
  amount: number;
  unit: string;
  started_at: string;
  warn_at: string;
  due_at: string;
  status: string;
  opened_seq: number;
  closed_seq: number | null;
  closed_at: string | null;
};
type Step = {
  result: ReferralResult;
  event: Record<string, unknown>;
  outbox: OutboxRow[];
  briefing?: BriefingRecord;
  opens: DutyRow[];
  fulfils: string[];
};

export type BriefingResult = {
  id: string;
  referralId: string | null;
  recipients: string[];
  createdAt: string;
};

/** 案情通报: the briefing row and one `briefing.sent` message per recipient. */
async function newBriefing(
  ctx: CommandContext,
  actor: DirectoryAgency,
  briefing: Briefing,
  referralId: string | null,
  now: Date,
  meta: CommandMeta,
): Promise<{ record: BriefingRecord; outbox: OutboxRow[] }> {
  const recipients = [...new Set(briefing.recipients)].filter((code) => code !== actor.code);
  for (const code of recipients) {
    if (!(await ctx.directory.get(code))) {
      throw new HubError('RECIPIENT_INVALID', 'a briefing recipient is not a known agency', {
        recipient: code,
      });
    }
  }
  if (recipients.length === 0)
    throw new HubError('RECIPIENT_INVALID', 'a briefing needs a recipient other than its sender');
  const record = {
    id: randomUUID(),
    subject: briefing.subject,
    body: briefing.body,
    recipients,
    region: actor.region,
  };
  const causationId = meta.dedup?.via === 'amqp' ? meta.dedup.messageId : (meta.causationId ?? null);
  const outbox: OutboxRow[] = [];
  for (const code of recipients) {
    outbox.push(
      await outboxRow(ctx, {
        messageId: randomUUID(),
        type: 'briefing.sent',
        referralId,
        sender: actor.code,
        recipient: code,
        occurredAt: now.toISOString(),
        correlationId: meta.correlationId ?? referralId ?? record.id,
        causationId,
        payload: {
          briefingId: record.id,
          referralId,
          subject: record.subject,
          body: record.body,
          recipients,
        },
      }),
    );
  }
  return { record, outbox };
}

async function briefStandalone(
  ctx: CommandContext,
  actor: DirectoryAgency,
  briefing: Briefing,
  meta: CommandMeta,
): Promise<CommandOutcome | undefined> {
  const now = ctx.clock();
  const { record, outbox } = await newBriefing(ctx, actor, briefing, null, now, meta);
  const body: BriefingResult = {
    id: record.id,
    referralId: null,
    recipients: record.recipients,
    createdAt: now.toISOString(),
  };
  try {
    await sql`
      WITH b AS (
        INSERT INTO briefings (id, sender_code, referral_id, subject, body, recipient_codes, region, created_at)
        VALUES (${record.id}, ${actor.code}, NULL, ${record.subject}, ${record.body}, ${record.recipients}::text[],
          ${record.region}, ${now})
        RETURNING id
      ), ob AS (
        INSERT INTO outbox (message_id, recipient_code, channel, type, referral_id, envelope)
        SELECT m.message_id, m.recipient_code, m.channel, m.type, NULL, m.envelope
        FROM b, jsonb_to_recordset(${JSON.stringify(outbox)}::jsonb)
          AS m(message_id uuid, recipient_code text, channel text, type text, envelope jsonb)
      )${dedupInsert(sql`b`, actor, meta, 201, body)}
      SELECT count(*)::int AS n FROM b`.execute(ctx.db);
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
  return { status: 'briefed', statusCode: 201, body };
}

/** The ledger event (chained to the referral's head) and one outbox row per party told. */
async function buildStep(
  ctx: CommandContext,
  row: ReferralRow,
  next: ReferralRow,
  transition: Transition,
  actor: DirectoryAgency,
  data: Record<string, unknown>,
  now: Date,
  meta: CommandMeta,
): Promise<Step> {
  const seq = row.head_seq + 1;
  const occurredAt = now.toISOString();
  const causationId = meta.dedup?.via === 'amqp' ? meta.dedup.messageId : (meta.causationId ?? null);
  const parties = partiesOf(next);
  const opens = await openedDuties(ctx, next, transition, parties, seq, now, data);
  const fulfils = DEADLINE_RULES.filter(
    (r) => r.kind === row.kind && r.fulfilledBy.includes(transition.event),
  ).map((r) => r.id);
  // The ledger says which duties the event opens (with their due times) and which it fulfils.
  const audited = meta.replayOf ? { ...data, replayOf: meta.replayOf } : data;
  const ledgerPayload =
    opens.length + fulfils.length > 0
      ? {
          ...audited,
          duties: {
            opens: opens.map((d) => ({ rule: d.rule_id, dueAt: d.due_at, status: d.status })),
            fulfils,
          },
        }
      : audited;
  const hash = hashLink({
    referralId: row.id,
    seq,
    event: transition.event,
    action: transition.action,
    actor: actor.code,
    occurredAt,
    payload: ledgerPayload,
    prevHash: row.head_hash,
  });
  const result: ReferralResult = {
    id: row.id,
    kind: row.kind,
    state: transition.to,
    version: row.version + 1,
    sender: parties.sender,
    recipient: parties.recipient,
    procuratorate: parties.procuratorate,
    copies: parties.copies,
    late: row.late,
    seq,
    hash,
  };
  const told = new Map<string, PartyRole>();
  for (const role of transition.notify) {
    for (const code of codesOf(parties, role))
      if (code !== actor.code && !told.has(code)) told.set(code, role);
  }
  const outbox: OutboxRow[] = [];
  for (const [code, role] of told) {
    outbox.push(
      await outboxRow(ctx, {
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
      }),
    );
  }
  const event = {
    seq,
    event: transition.event,
    action: transition.action,
    actor_code: actor.code,
    occurred_at: occurredAt,
    payload: ledgerPayload,
    message_id: causationId,
    prev_hash: row.head_hash,
    hash,
  };
  return { result, event, outbox, opens, fulfils };
}

/** The duty the transition starts, and for a criminal transfer the already-closed 24 h send duty. */
async function openedDuties(
  ctx: CommandContext,
  row: ReferralRow,
  transition: Transition,
  parties: Parties,
  seq: number,
  now: Date,
  data: Record<string, unknown>,
): Promise<DutyRow[]> {
  const duties: DutyRow[] = [];
  const add = async (ruleId: string, start: Date, closed: boolean) => {
    const { rule, dueAt, warnAt } = await ctx.policy.schedule(row.region, ruleId, start);
    const met = now.getTime() <= dueAt.getTime();
    duties.push({
      id: randomUUID(),
      rule_id: rule.id,
      region: row.region,
      title: rule.title,
      source: rule.source,
      is_window: rule.window,
      responsible_code: codesOf(parties, rule.responsible)[0] ?? parties.sender,
      counterparty_code: codesOf(parties, rule.counterparty)[0] ?? null,
      amount: rule.amount,
      unit: rule.unit,
      started_at: start.toISOString(),
      warn_at: warnAt.toISOString(),
      due_at: dueAt.toISOString(),
      status: closed ? (met ? 'met' : 'met_late') : 'open',
      opened_seq: seq,
      closed_seq: closed ? seq : null,
      closed_at: closed ? now.toISOString() : null,
    });
  };
  // Decree 310 Art 5: the 24 h from approval to transfer ends with the submission itself.
  if (transition.action === 'submit' && typeof data.approvedAt === 'string') {
    await add('send_after_approval', new Date(data.approvedAt), true);
  }
  if (transition.deadline) await add(transition.deadline, now, false);
  return duties;
}

export async function outboxRow(ctx: CommandContext, envelope: Envelope): Promise<OutboxRow> {
  return {
    message_id: envelope.messageId,
    recipient_code: envelope.recipient,
    channel: await ctx.directory.channelOf(envelope.recipient),
    type: envelope.type,
    envelope,
  };
}

/** The ledger, outbox, briefing and de-duplication inserts, each guarded by the CTE that moved the referral. */
function writesAfter(source: RawBuilder<unknown>, step: Step, actor: DirectoryAgency, meta: CommandMeta) {
  const e = step.event;
  const b = step.briefing;
  const briefing = b
    ? sql`, br AS (
      INSERT INTO briefings (id, sender_code, referral_id, subject, body, recipient_codes, region, created_at)
      SELECT ${b.id}, ${actor.code}, id, ${b.subject}, ${b.body}, ${b.recipients}::text[], ${b.region}, ${e.occurred_at}::timestamptz
      FROM ${source}
    )`
    : sql``;
  const status = step.result.seq === 1 ? 201 : 200;
  return sql`ev AS (
      INSERT INTO ledger_events (referral_id, seq, event, action, actor_code, occurred_at, payload, message_id, prev_hash, hash)
      SELECT id, ${e.seq}, ${e.event}, ${e.action}, ${e.actor_code}, ${e.occurred_at}, ${JSON.stringify(e.payload)}::jsonb,
        ${e.message_id}, ${e.prev_hash}, ${e.hash}
      FROM ${source}
    ), ob AS (
      INSERT INTO outbox (message_id, recipient_code, channel, type, referral_id, envelope)
      SELECT m.message_id, m.recipient_code, m.channel, m.type, s.id, m.envelope
      FROM ${source} s, jsonb_to_recordset(${JSON.stringify(step.outbox)}::jsonb)
        AS m(message_id uuid, recipient_code text, channel text, type text, envelope jsonb)
    )${briefing}${dutyWrites(source, step)}${dedupInsert(source, actor, meta, status, step.result)}`;
}

/** Closes the duties the event fulfils (met, or met_late past the due time) and opens the new ones. */
function dutyWrites(source: RawBuilder<unknown>, step: Step) {
  const at = step.event.occurred_at as string;
  const close =
    step.fulfils.length > 0
      ? sql`, dc AS (
      UPDATE duties SET status = CASE WHEN due_at >= ${at}::timestamptz THEN 'met' ELSE 'met_late' END,
        closed_at = ${at}::timestamptz, closed_seq = ${step.result.seq}
      WHERE referral_id = (SELECT id FROM ${source}) AND rule_id = ANY(${step.fulfils}::text[])
        AND status IN ('open', 'warned', 'overdue', 'lapsed')
    )`
      : sql``;
  const open =
    step.opens.length > 0
      ? sql`, dn AS (
      INSERT INTO duties (id, referral_id, rule_id, region, title, source, is_window, responsible_code, counterparty_code,
        amount, unit, started_at, warn_at, due_at, status, opened_seq, closed_seq, closed_at)
      SELECT d.id, s.id, d.rule_id, d.region, d.title, d.source, d.is_window, d.responsible_code, d.counterparty_code,
        d.amount, d.unit, d.started_at, d.warn_at, d.due_at, d.status, d.opened_seq, d.closed_seq, d.closed_at
      FROM ${source} s, jsonb_to_recordset(${JSON.stringify(step.opens)}::jsonb) AS d(id uuid, rule_id text,
        region text, title text, source text, is_window boolean, responsible_code text, counterparty_code text,
        amount int, unit text, started_at timestamptz, warn_at timestamptz, due_at timestamptz, status text,
        opened_seq int, closed_seq int, closed_at timestamptz)
    )`
      : sql``;
  return sql`${close}${open}`;
}

/** Records the message id or Idempotency-Key in the same statement as the effect it guards. */
function dedupInsert(
  source: RawBuilder<unknown>,
  actor: DirectoryAgency,
  meta: CommandMeta,
  status: number,
  response: unknown,
) {
  const dedup = meta.dedup;
  if (!dedup) return sql``;
  if (dedup.via === 'amqp') {
    return sql`, dd AS (
      INSERT INTO processed_messages (message_id, sender_code, type, outcome)
      SELECT ${dedup.messageId}, ${actor.code}, ${dedup.type}, 'applied' FROM ${source}
    )`;
  }
  return sql`, dd AS (
    INSERT INTO idempotency_keys (agency_code, key, request_hash, status_code, response)
    SELECT ${actor.code}, ${dedup.key}, ${dedup.requestHash}, ${status}, ${JSON.stringify(response)}::jsonb FROM ${source}
  )`;
}

export async function findPrevious(
  db: Db,
  agencyCode: string,
  dedup: Dedup,
): Promise<CommandOutcome | undefined> {
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

function codesOf(parties: Parties, role: PartyRole): string[] {
  switch (role) {
    case 'sender':
      return [parties.sender];
    case 'recipient':
      return [parties.recipient];
    case 'procuratorate':
      return parties.procuratorate ? [parties.procuratorate] : [];
    case 'copy':
      return parties.copies;
    default:
      return assertNever(role);
  }
}

function unique(codes: (string | null)[]): string[] {
  return [...new Set(codes.filter((c): c is string => c !== null))];
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}
