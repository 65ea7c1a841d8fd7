import { canonicalJson, linkText } from './canonical-json.js';
import type { Alarm } from './commands.js';
import type { DecisionContext, Loaded } from './decision-context.js';
import { envelopeText } from './envelopes.js';
import { HubError } from './errors.js';
import { evolve, WATCH_ACTION } from './evolve.js';
import { HUB } from './messages.js';
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
  const occurredAt = ctx.now.toISOString();
  const payload = {
    dutyId: duty.id,
    rule: duty.ruleId,
    title: duty.title,
    source: duty.source,
    responsible: duty.responsible,
    counterparty: duty.counterparty,
    dueAt: duty.dueAt,
  };
  const payloadJson = canonicalJson(payload);
  const link = {
    referralId: referral.id,
    seq: referral.head.seq + 1,
    event: `deadline_${alarm}`,
    action: WATCH_ACTION,
    actor: HUB,
    occurredAt,
    prevHash: referral.head.hash,
  };
  const event: SealedEvent = {
    ...link,
    payload,
    payloadJson,
    messageId: null,
    hash: ctx.sha256(linkText(link, payloadJson)),
  };
  const after = evolve(referral, event);
  const status = alarm === 'overdue' ? 'overdue' : 'warned';
  const messagePayload = JSON.stringify({ ...payload, referralId: referral.id, status });
  const recipients = [
    duty.responsible,
    duty.counterparty,
    ctx.directory.inRegion(duty.region, 'procuratorate')?.code,
    ctx.directory.inRegion(duty.region, 'coordinator')?.code,
  ];
  const outgoing = [...new Set(recipients.filter((c): c is string => typeof c === 'string'))].map(
    (code): Outgoing => {
      const messageId = ctx.newId('message');
      const head = {
        messageId,
        type: `deadline.${alarm}`,
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
        type: head.type,
        referralId: referral.id,
        correlationId: head.correlationId,
        body: envelopeText(head, messagePayload),
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
    changes: [
      {
        id: duty.id,
        status,
        ...(alarm === 'overdue' ? { overdueAt: occurredAt } : { warnedAt: occurredAt }),
      },
    ],
    result: resultOf(after),
  };
}
