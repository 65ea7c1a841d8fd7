import { canonicalJson, linkText } from './canonical-json.js';
import type { Alarm } from './commands.js';
import { type DutyStatus, ruleText, UNMET_STATUSES } from './deadlines.js';
import type { DecisionContext, Loaded } from './decision-context.js';
import { envelopeText } from './envelopes.js';
import { HubError } from './errors.js';
import { evolve, WATCH_ACTION } from './evolve.js';
import { HUB } from './messages.js';
import type { Duty, DutyChange, Referral } from './referral-state.js';
import type { Outgoing, ReferralStep, SealedEvent } from './step.js';
import { resultOf } from './step.js';

/**
 * The deadline watcher's step: `deadline_approaching` when a duty reaches its warning time and
 * `deadline_overdue` when its due time passes, each once, on the referral's ledger and to the responsible
 * body, the counterparty, the region's procuratorate and coordinator. A duty already met, warned (for a
 * warning) or overdue is refused, so that two watchers never raise one alarm twice.
 */
export function decideAlarm(
  ctx: DecisionContext,
  loaded: Loaded,
  dutyId: string,
  alarm: Alarm,
): ReferralStep {
  const referral = loaded.referral;
  const duty = loaded.duties.find((d) => d.id === dutyId);
  const now = ctx.now.getTime();
  const due =
    duty &&
    !duty.window &&
    (alarm === 'overdue'
      ? (duty.status === 'open' || duty.status === 'warned') && Date.parse(duty.dueAt) <= now
      : duty.status === 'open' && Date.parse(duty.warnAt) <= now && Date.parse(duty.dueAt) > now);
  if (!referral || !duty || !due) {
    throw new HubError('TRANSITION_NOT_ALLOWED', 'the duty is no longer due for this alarm', { dutyId });
  }
  const payload = {
    dutyId: duty.id,
    rule: duty.ruleId,
    ...ruleText(duty.ruleId),
    responsible: duty.responsible,
    counterparty: duty.counterparty,
    dueAt: duty.dueAt,
  };
  const status = alarm === 'overdue' ? 'overdue' : 'warned';
  const at = ctx.now.toISOString();
  return watchStep(ctx, referral, duty, {
    event: `deadline_${alarm}`,
    payload,
    message: { type: `deadline.${alarm}`, payload: { ...payload, referralId: referral.id, status } },
    change: { id: duty.id, status, ...(alarm === 'overdue' ? { overdueAt: at } : { warnedAt: at }) },
  });
}

/**
 * A provisional due time counted again over the calendar as it now stands (a year's notice loaded): the
 * same rule, amount and start. A due time that moves is `deadline_moved` on the ledger and `deadline.moved`
 * to those an alarm goes to; one that stays is `deadline_confirmed` (ledger only; it lists the years it
 * still rests on, if any). An alarm raised too early for the new due time is taken back (the duty is open
 * or warned again, and the watcher raises it when it is due); a window that lapsed at the old due time is
 * open again when the new one is ahead. A count that changes nothing (the same due time over the same
 * years) is refused, so that two watchers never recount a duty twice.
 */
export function decideRecheck(ctx: DecisionContext, loaded: Loaded, dutyId: string): ReferralStep {
  const referral = loaded.referral;
  const duty = loaded.duties.find((d) => d.id === dutyId);
  if (
    !referral ||
    !duty ||
    !duty.provisional ||
    !(UNMET_STATUSES as readonly string[]).includes(duty.status)
  ) {
    throw new HubError('TRANSITION_NOT_ALLOWED', 'the duty has no provisional due time to recount', {
      dutyId,
    });
  }
  const rule = ctx.policy.rule(duty.region, duty.ruleId);
  const counted = ctx.policy.schedule(duty.region, duty.ruleId, new Date(duty.startedAt), {
    ...rule,
    amount: duty.amount,
    unit: duty.unit,
  });
  const dueAt = counted.dueAt.toISOString();
  const warnAt = counted.warnAt.toISOString();
  const moved = dueAt !== duty.dueAt;
  const sameYears = counted.provisionalYears.join() === duty.provisionalYears.join();
  if (!moved && counted.provisional && sameYears) {
    throw new HubError('TRANSITION_NOT_ALLOWED', 'the due time is unchanged and still provisional', {
      dutyId,
    });
  }
  const status = statusAfterRecount(duty, counted, ctx.now.getTime());
  const change: DutyChange = {
    id: duty.id,
    status,
    dueAt,
    warnAt,
    provisional: counted.provisional,
    provisionalYears: counted.provisionalYears,
    // A window still lapsed lapsed at its (new) due time.
    ...(status === 'lapsed' ? { closedAt: dueAt } : {}),
  };
  if (!moved) {
    const payload = {
      dutyId: duty.id,
      rule: duty.ruleId,
      dueAt,
      ...(counted.provisional ? { provisionalYears: counted.provisionalYears } : {}),
    };
    return watchStep(ctx, referral, duty, { event: 'deadline_confirmed', payload, change });
  }
  const payload = {
    dutyId: duty.id,
    rule: duty.ruleId,
    ...ruleText(duty.ruleId),
    responsible: duty.responsible,
    counterparty: duty.counterparty,
    dueAt,
    previousDueAt: duty.dueAt,
    provisional: counted.provisional,
    provisionalYears: counted.provisionalYears,
  };
  return watchStep(ctx, referral, duty, {
    event: 'deadline_moved',
    payload,
    message: { type: 'deadline.moved', payload: { ...payload, referralId: referral.id, status } },
    change,
  });
}

/** A duty's status once its due time is counted again: an alarm or a lapse too early is taken back. */
function statusAfterRecount(duty: Duty, counted: { dueAt: Date; warnAt: Date }, now: number): DutyStatus {
  const ahead = counted.dueAt.getTime() > now;
  const warned = counted.warnAt.getTime() <= now;
  if (duty.status === 'overdue' && ahead) return warned ? 'warned' : 'open';
  if (duty.status === 'warned' && !warned) return 'open';
  if (duty.status === 'lapsed' && ahead) return 'open';
  return duty.status;
}

/**
 * The hub's own step about a duty: one ledger event under the watcher's action (it moves no state), the
 * duty's change, and (if any) one message (its payload as given) to the responsible body, the counterparty, the region's
 * procuratorate and coordinator.
 */
function watchStep(
  ctx: DecisionContext,
  referral: Referral,
  duty: Duty,
  what: {
    event: string;
    payload: Record<string, unknown>;
    message?: { type: string; payload: Record<string, unknown> };
    change: DutyChange;
  },
): ReferralStep {
  const occurredAt = ctx.now.toISOString();
  const payloadJson = canonicalJson(what.payload);
  const link = {
    referralId: referral.id,
    seq: referral.head.seq + 1,
    event: what.event,
    action: WATCH_ACTION,
    actor: HUB,
    occurredAt,
    prevHash: referral.head.hash,
  };
  const event: SealedEvent = {
    ...link,
    payload: what.payload,
    payloadJson,
    messageId: null,
    hash: ctx.sha256(linkText(link, payloadJson)),
  };
  const after = evolve(referral, event);
  const message = what.message;
  const recipients = message
    ? [
        duty.responsible,
        duty.counterparty,
        ctx.directory.inRegion(duty.region, 'procuratorate')?.code,
        ctx.directory.inRegion(duty.region, 'coordinator')?.code,
      ]
    : [];
  const body = canonicalJson(message?.payload ?? null);
  const outgoing = [...new Set(recipients.filter((c): c is string => typeof c === 'string'))].map(
    (code): Outgoing => {
      const messageId = ctx.newId('message');
      const type = message?.type ?? '';
      const head = {
        messageId,
        type,
        referralId: referral.id,
        sender: HUB,
        recipient: code,
        occurredAt,
        correlationId: referral.id,
        causationId: null,
      };
      return {
        messageId,
        recipient: code,
        channel: ctx.directory.get(code)?.delivery ?? 'amqp',
        type,
        referralId: referral.id,
        correlationId: head.correlationId,
        body: envelopeText(head, body),
      };
    },
  );
  return {
    kind: 'referral',
    before: referral,
    after,
    events: [event],
    outgoing,
    opens: [],
    changes: [what.change],
    result: resultOf(after),
  };
}
