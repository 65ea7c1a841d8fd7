import type { DeliveryChannel } from './agency.js';
import { canonicalJson } from './canonical-json.js';
import { envelopeText } from './envelopes.js';
import type { HubError } from './errors.js';
import { HUB } from './messages.js';
import type { Outgoing } from './step.js';

/** The `command.rejected` notice that tells an agency why the hub refused its command. */
export function rejectionNotice(input: {
  messageId: string;
  agency: string;
  channel: DeliveryChannel;
  rejectedMessageId: string | null;
  referralId: string | null;
  correlationId: string | null;
  error: HubError;
  now: Date;
}): Outgoing {
  const head = {
    messageId: input.messageId,
    type: 'command.rejected',
    referralId: input.referralId,
    sender: HUB,
    recipient: input.agency,
    occurredAt: input.now.toISOString(),
    correlationId: input.correlationId,
    causationId: input.rejectedMessageId,
  };
  const payload = canonicalJson({
    rejectedMessageId: input.rejectedMessageId,
    code: input.error.code,
    message: input.error.message,
    details: input.error.details,
  });
  return {
    messageId: input.messageId,
    recipient: input.agency,
    channel: input.channel,
    type: head.type,
    referralId: input.referralId,
    correlationId: input.correlationId,
    body: envelopeText(head, payload),
  };
}
