import type { DeliveryChannel } from './agency.js';
import { canonicalJson } from './canonical-json.js';
import { envelopeText } from './envelopes.js';
import { HUB } from './messages.js';
import type { DetachedSignature } from './signature.js';
import type { Outgoing } from './step.js';

/** Why the hub sealed: on its schedule, or because a yearly report was made (issue 15). */
export type SealReason = 'periodic' | 'yearly_report';

/**
 * A sealed statement: the hub's signed word on every chain head at `sealedAt` — the RFC 9162 Merkle root
 * over the heads (crypto/merkle.ts buildHeadsTree) and how many there are. Whoever holds one can later show
 * that a referral's record has not been rewritten since, with the referral's inclusion proof.
 */
export type SealedStatement = {
  type: 'hub.sealed_statement';
  reason: SealReason;
  sealedAt: string;
  size: number;
  root: string;
  hubKeyId: string;
};

/** The `hub.statement` message that hands a statement to a procuratorate or a coordinator. */
export function statementMessage(input: {
  messageId: string;
  recipient: { code: string; delivery: DeliveryChannel };
  statementId: string;
  statement: SealedStatement;
  signature: DetachedSignature;
}): Outgoing {
  const head = {
    messageId: input.messageId,
    type: 'hub.statement',
    referralId: null,
    sender: HUB,
    recipient: input.recipient.code,
    occurredAt: input.statement.sealedAt,
    correlationId: null,
    causationId: null,
  };
  const payload = canonicalJson({
    statementId: input.statementId,
    statement: input.statement,
    signature: input.signature,
  });
  return {
    messageId: input.messageId,
    recipient: input.recipient.code,
    channel: input.recipient.delivery,
    type: head.type,
    referralId: null,
    correlationId: null,
    body: envelopeText(head, payload),
  };
}
