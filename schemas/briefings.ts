import type { Briefing } from './actions.js';
import type { Agency } from './agency.js';
import { canonicalJson } from './canonical-json.js';
import type { CommandMeta } from './commands.js';
import type { DecisionContext } from './decision-context.js';
import { envelopeText } from './envelopes.js';
import { HubError } from './errors.js';
import type { BriefingRecord, BriefingStep, Outgoing } from './step.js';

/**
 * 案情通报 (seed 三(六)): the briefing row and one `briefing.sent` message per recipient. Every recipient
 * must be a known agency; the sender is never its own recipient.
 */
export function newBriefing(
  ctx: DecisionContext,
  actor: Agency,
  briefing: Briefing,
  referralId: string | null,
  meta: CommandMeta,
): { record: BriefingRecord; outgoing: Outgoing[] } {
  const recipients = [...new Set(briefing.recipients)].filter((code) => code !== actor.code);
  for (const code of recipients) {
    if (!ctx.directory.get(code)) {
      throw new HubError('RECIPIENT_INVALID', `no such agency: ${code}`, { recipient: code });
    }
  }
  if (recipients.length === 0) {
    throw new HubError('RECIPIENT_INVALID', 'a briefing needs a recipient other than its sender');
  }
  const createdAt = ctx.now.toISOString();
  const record: BriefingRecord = {
    id: ctx.newId('briefing'),
    sender: actor.code,
    referralId,
    subject: briefing.subject,
    body: briefing.body,
    recipients,
    region: actor.region,
    createdAt,
  };
  const payload = canonicalJson({
    briefingId: record.id,
    referralId,
    subject: record.subject,
    body: record.body,
    recipients,
  });
  const outgoing = recipients.map((code): Outgoing => {
    const messageId = ctx.newId('message');
    const head = {
      messageId,
      type: 'briefing.sent',
      referralId,
      sender: actor.code,
      recipient: code,
      occurredAt: createdAt,
      correlationId: meta.correlationId ?? referralId ?? record.id,
      causationId: meta.messageId ?? meta.causationId ?? null,
    };
    return {
      messageId,
      recipient: code,
      channel: ctx.directory.get(code)?.delivery ?? 'amqp',
      type: head.type,
      referralId,
      correlationId: head.correlationId,
      body: envelopeText(head, payload),
    };
  });
  return { record, outgoing };
}

/** A briefing about no referral (POST /v1/briefings, `command.brief`). */
export function decideBriefing(
  ctx: DecisionContext,
  actor: Agency,
  briefing: Briefing,
  meta: CommandMeta,
): BriefingStep {
  const { record, outgoing } = newBriefing(ctx, actor, briefing, null, meta);
  return {
    kind: 'briefing',
    briefing: record,
    outgoing,
    result: { id: record.id, referralId: null, recipients: record.recipients, createdAt: record.createdAt },
  };
}
