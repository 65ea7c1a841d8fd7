import type { CanonicalText } from './canonical-json.js';

/** The envelope's header fields (DESIGN.md), everything but the payload. */
export type EnvelopeHead = {
  messageId: string;
  type: string;
  referralId: string | null;
  sender: string;
  recipient: string;
  occurredAt: string;
  correlationId: string | null;
  causationId: string | null;
};

const s = JSON.stringify;

/**
 * The envelope as canonical JSON text (members in sorted order) around a payload already written as
 * canonical JSON: a referral's data is written once and shared by the ledger and every recipient's message,
 * not serialised again per recipient, and the text as stored is the RFC 8785 form the hub's seal covers, so
 * the relay hashes it as it is (crypto/message-seal.ts `sealCanonicalTexts`).
 */
export function envelopeText(head: EnvelopeHead, payloadJson: CanonicalText): CanonicalText {
  return (`{"causationId":${s(head.causationId)},"correlationId":${s(head.correlationId)},` +
    `"messageId":${s(head.messageId)},"occurredAt":${s(head.occurredAt)},"payload":${payloadJson},` +
    `"recipient":${s(head.recipient)},"referralId":${s(head.referralId)},"sender":${s(head.sender)},` +
    `"type":${s(head.type)}}`) as CanonicalText;
}

/** The payload of a `referral.<event>` message; `dataJson` is the action's fields (or the submission). */
export function referralEventPayload(
  fields: {
    referralId: string;
    kind: string;
    state: string;
    event: string;
    role: string;
    seq: number;
    hash: string;
    actor: string;
  },
  dataJson: CanonicalText,
): CanonicalText {
  return (`{"actor":${s(fields.actor)},"data":${dataJson},"event":${s(fields.event)},` +
    `"hash":${s(fields.hash)},"kind":${s(fields.kind)},"referralId":${s(fields.referralId)},` +
    `"role":${s(fields.role)},"seq":${s(fields.seq)},"state":${s(fields.state)}}`) as CanonicalText;
}
