import type { DeliveryChannel } from './agency.js';
import { canonicalJson } from './canonical-json.js';
import { envelopeText } from './envelopes.js';
import { HUB } from './messages.js';
import type { Outgoing } from './step.js';

export type IntegrityBreak = {
  referralId: string;
  seq: number;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap' | 'head_mismatch';
  region: string;
};

/**
 * `ledger.integrity_broken`: a link of a referral's chain no longer verifies. It goes to the region's
 * procuratorate and coordinator (who supervise and who report), once per break, and is not itself put on
 * the broken chain.
 */
export function integrityAlert(
  found: IntegrityBreak,
  recipient: { code: string; delivery: DeliveryChannel },
  ids: { messageId: string },
  now: Date,
): Outgoing {
  const head = {
    messageId: ids.messageId,
    type: 'ledger.integrity_broken',
    referralId: found.referralId,
    sender: HUB,
    recipient: recipient.code,
    occurredAt: now.toISOString(),
    correlationId: found.referralId,
    causationId: null,
  };
  const payload = canonicalJson({ ...found, detectedAt: now.toISOString() });
  return {
    messageId: ids.messageId,
    recipient: recipient.code,
    channel: recipient.delivery,
    type: head.type,
    referralId: found.referralId,
    correlationId: found.referralId,
    body: envelopeText(head, payload),
  };
}
