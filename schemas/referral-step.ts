import type { FileLink } from './attachments.js';
import { canonicalJson, entriesOf, joinEntries, linkText } from './canonical-json.js';
import type { CommandMeta } from './commands.js';
import { DEADLINE_RULES, UNMET_STATUSES } from './deadlines.js';
import type { DecisionContext } from './decision-context.js';
import { envelopeText, referralEventPayload } from './envelopes.js';
import { createReferral, evolve } from './evolve.js';
import type { PartyRole, Transition } from './lifecycle.js';
import {
  codesOf,
  type Duty,
  type DutyChange,
  type LedgerEvent,
  type Parties,
  type Referral,
} from './referral-state.js';
import type { BriefingRecord, Outgoing, ReferralStep, SealedEvent } from './step.js';
import { resultOf } from './step.js';

export type StepInput = {
  transition: Transition;
  actor: string;
  /** The referral before (null when the step creates it). */
  referral: Referral | null;
  duties: readonly Duty[];
  /** The referral's parties after the step (a forward changes the recipient). */
  parties: Parties;
  region: string;
  referralId: string;
  /** The action's fields (or the submission) as they go on the ledger and into every message. */
  data: Record<string, unknown>;
  meta: CommandMeta;
  briefing?: { record: BriefingRecord; outgoing: Outgoing[] };
  links?: FileLink[];
  /** Duties whose due time the step moves (an extended review), with the new period. */
  moves?: {
    duty: Duty;
    amount: number;
    dueAt: Date;
    warnAt: Date;
    provisional: boolean;
    provisionalYears: number[];
  }[];
};

/**
 * The whole step of one transition: the ledger event (chained to the referral's head) listing the duties it
 * opens and fulfils, the duties themselves, one message per party told, and the referral after.
 */
export function buildReferralStep(ctx: DecisionContext, input: StepInput): ReferralStep {
  const { transition, referral, parties } = input;
  const now = ctx.now;
  const occurredAt = now.toISOString();
  const seq = (referral?.head.seq ?? 0) + 1;
  const prevHash = referral?.head.hash ?? '0'.repeat(64);
  const causationId = input.meta.messageId ?? input.meta.causationId ?? null;
  const fulfils = DEADLINE_RULES.filter(
    (r) => r.kind === transition.kind && r.fulfilledBy.includes(transition.event),
  ).map((r) => r.id);
  const unmet = (d: Duty) => (UNMET_STATUSES as readonly string[]).includes(d.status);
  const changes = input.duties
    .filter((d) => fulfils.includes(d.ruleId) && unmet(d))
    .map(
      (d): DutyChange => ({
        id: d.id,
        status: Date.parse(d.dueAt) >= now.getTime() ? 'met' : 'met_late',
        closedAt: occurredAt,
        closedSeq: seq,
        // A met duty's due time no longer matters: nothing recounts it.
        provisional: false,
        provisionalYears: [],
      }),
    );
  // A region may start a period again on an event (the filing review on a supplement): the running duty is
  // superseded by a new one from now. By default nothing restarts (MPS Art 180(2)).
  const restarted = DEADLINE_RULES.filter(
    (r) =>
      r.kind === transition.kind &&
      r.restartedBy?.includes(transition.event) &&
      ctx.policy.restartsOn(input.region, r.id, transition.event),
  ).map((r) => r.id);
  for (const d of input.duties.filter((d) => restarted.includes(d.ruleId) && unmet(d) && !d.window)) {
    changes.push({
      id: d.id,
      status: 'superseded',
      closedAt: occurredAt,
      closedSeq: seq,
      provisional: false,
      provisionalYears: [],
    });
  }
  const opens = openedDuties(ctx, input, seq, [...transition.opens, ...restarted]);
  for (const m of input.moves ?? []) {
    changes.push({
      id: m.duty.id,
      status: 'open',
      dueAt: m.dueAt.toISOString(),
      warnAt: m.warnAt.toISOString(),
      amount: m.amount,
      provisional: m.provisional,
      provisionalYears: m.provisionalYears,
    });
  }

  // The data's members are written once: the ledger payload and each message's `data` share them.
  const data = entriesOf(input.data);
  const added: Record<string, unknown> = {};
  if (input.meta.replayOf) added.replayOf = input.meta.replayOf;
  // `provisional` is listed only where it holds, so that chains recorded before it read the same.
  const moved = (input.moves ?? []).map((m) => ({
    rule: m.duty.ruleId,
    dueAt: m.dueAt.toISOString(),
    ...(m.provisional ? { provisional: true } : {}),
  }));
  if (opens.length + fulfils.length + moved.length + restarted.length > 0) {
    const listed = opens.map((d) => ({
      rule: d.ruleId,
      dueAt: d.dueAt,
      status: d.status,
      ...(d.provisional ? { provisional: true } : {}),
    }));
    added.duties = {
      opens: listed,
      fulfils,
      ...(moved.length > 0 ? { moves: moved } : {}),
      ...(restarted.length > 0 ? { restarts: restarted } : {}),
    };
  }
  const addedEntries = entriesOf(added);
  // Issue 15: the agency's signature and what it covers go on the chain, so that the chain covers them and
  // a rewrite of the event can be held against what the agency signed (its text written once, at the check).
  const { signed, signedText } = input.meta;
  if (signed) {
    added.signed = signed;
    addedEntries.set('signed', signedText ?? canonicalJson(signed));
  }
  const payloadJson = joinEntries(data, addedEntries);
  const link = {
    referralId: input.referralId,
    seq,
    event: transition.event,
    action: transition.action,
    actor: input.actor,
    occurredAt,
    prevHash,
  };
  const hash = ctx.sha256(linkText(link, payloadJson));
  const event: SealedEvent = {
    ...link,
    payload: { ...input.data, ...added },
    payloadJson,
    messageId: causationId,
    hash,
  };
  const after = referral ? evolve(referral, event) : createReferral(event, { parties, region: input.region });

  const dataJson = joinEntries(data);
  const outgoing: Outgoing[] = [];
  for (const [code, role] of told(transition.notify, parties, input.actor)) {
    const messageId = ctx.newId('message');
    const payload = referralEventPayload(
      {
        referralId: input.referralId,
        kind: transition.kind,
        state: transition.to,
        event: transition.event,
        role,
        seq,
        hash,
        actor: input.actor,
      },
      dataJson,
    );
    const head = {
      messageId,
      type: `referral.${transition.event}`,
      referralId: input.referralId,
      sender: input.actor,
      recipient: code,
      occurredAt,
      correlationId: input.meta.correlationId ?? input.referralId,
      causationId,
    };
    outgoing.push({
      messageId,
      recipient: code,
      channel: ctx.directory.get(code)?.delivery ?? 'amqp',
      type: head.type,
      referralId: input.referralId,
      correlationId: head.correlationId,
      body: envelopeText(head, payload),
    });
  }
  if (input.briefing) outgoing.push(...input.briefing.outgoing);
  return {
    kind: 'referral',
    before: referral,
    after,
    events: [event],
    outgoing,
    opens,
    changes,
    ...(input.briefing ? { briefing: input.briefing.record } : {}),
    ...(input.links?.length ? { links: input.links } : {}),
    result: resultOf(after),
  };
}

/** Each party told once, in the row's order, never the actor itself. */
function told(notify: readonly PartyRole[], parties: Parties, actor: string): Map<string, PartyRole> {
  const codes = new Map<string, PartyRole>();
  for (const role of notify) {
    for (const code of codesOf(parties, role)) if (code !== actor && !codes.has(code)) codes.set(code, role);
  }
  return codes;
}

/**
 * The duties the transition's row opens. A rule the same event fulfils (the 24 h from the head's approval
 * to the transfer, Decree 310 Art 5) is opened and closed at once, met or met late.
 */
function openedDuties(
  ctx: DecisionContext,
  input: StepInput,
  seq: number,
  ruleIds: readonly string[],
): Duty[] {
  const now = ctx.now;
  const senderKind = ctx.directory.get(input.parties.sender)?.kind;
  // A rule for some senders only (a procuratorate's opinion, a police return) applies to them.
  const applying = ruleIds.filter((id) => {
    const rule = ctx.policy.rule(input.region, id);
    return !rule.appliesTo || (senderKind !== undefined && rule.appliesTo.includes(senderKind));
  });
  return applying.map((ruleId): Duty => {
    const base = ctx.policy.rule(input.region, ruleId);
    const from = base.startsFrom ? input.data[base.startsFrom] : undefined;
    const start = typeof from === 'string' ? new Date(from) : now;
    const { rule, dueAt, warnAt, provisional, provisionalYears } = ctx.policy.schedule(
      input.region,
      ruleId,
      start,
    );
    const closed = rule.fulfilledBy.includes(input.transition.event);
    const met = now.getTime() <= dueAt.getTime();
    return {
      id: ctx.newId('duty'),
      referralId: input.referralId,
      ruleId: rule.id,
      region: input.region,
      window: rule.window,
      responsible: codesOf(input.parties, rule.responsible)[0] ?? input.parties.sender,
      counterparty: codesOf(input.parties, rule.counterparty)[0] ?? null,
      amount: rule.amount,
      unit: rule.unit,
      startedAt: start.toISOString(),
      warnAt: warnAt.toISOString(),
      dueAt: dueAt.toISOString(),
      provisional: provisional && !closed,
      provisionalYears: closed ? [] : provisionalYears,
      status: closed ? (met ? 'met' : 'met_late') : 'open',
      openedSeq: seq,
      closedSeq: closed ? seq : null,
      closedAt: closed ? now.toISOString() : null,
    };
  });
}

/** The ledger event a step appended, as stored (for evolve and replay). */
export function asLedgerEvent(event: SealedEvent): LedgerEvent {
  const { payloadJson: _, ...stored } = event;
  return stored;
}
