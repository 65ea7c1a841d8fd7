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
 * The envelope as JSON text around a payload already written as JSON: a referral's data is written once
 * and shared by the ledger and every recipient's message, not serialised again per recipient.
 */
export function envelopeText(head: EnvelopeHead, payloadJson: string): string {
  return (
    `{"messageId":${s(head.messageId)},"type":${s(head.type)},"referralId":${s(head.referralId)},` +
    `"sender":${s(head.sender)},"recipient":${s(head.recipient)},"occurredAt":${s(head.occurredAt)},` +
    `"correlationId":${s(head.correlationId)},"causationId":${s(head.causationId)},"payload":${payloadJson}}`
  );
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
  dataJson: string,
): string {
  return (
    `{"referralId":${s(fields.referralId)},"kind":${s(fields.kind)},"state":${s(fields.state)},` +
    `"event":${s(fields.event)},"role":${s(fields.role)},"seq":${fields.seq},"hash":${s(fields.hash)},` +
    `"actor":${s(fields.actor)},"data":${dataJson}}`
  );
}
