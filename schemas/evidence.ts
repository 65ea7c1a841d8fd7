import { z } from 'zod';
import { CommandSignatureSchema, DetachedSignatureSchema, SignatureAlgSchema } from './signature.js';

/**
 * Issue 15: one referral's record as a self-contained file — every ledger event (with the agencies'
 * signatures and what they cover), the public keys valid at the time, the hub's latest sealed statement
 * with the referral's Merkle inclusion proof, and the hub's seal over the whole. `hub evidence verify`
 * checks it with no database and no network (crypto/evidence.ts).
 */
export const EVIDENCE_FORMAT = 'referral-hub.evidence/1';

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const EvidenceEventSchema = z.object({
  seq: z.number().int().positive(),
  event: z.string(),
  action: z.string(),
  actor: z.string(),
  occurredAt: z.string(),
  payload: z.record(z.string(), z.unknown()),
  messageId: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});
export type EvidenceEvent = z.infer<typeof EvidenceEventSchema>;

export const EvidenceKeySchema = z.object({
  keyId: z.string(),
  agency: z.string(),
  alg: SignatureAlgSchema,
  publicKey: z.string(),
  validFrom: z.string(),
  validUntil: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export const HubKeySchema = z.object({
  keyId: z.string(),
  alg: SignatureAlgSchema,
  publicKey: z.string(),
  createdAt: z.string(),
});

export const StatementSchema = z.object({
  type: z.literal('hub.sealed_statement'),
  reason: z.enum(['periodic', 'yearly_report']),
  sealedAt: z.string(),
  size: z.number().int().min(0),
  root: Hex64,
  hubKeyId: z.string(),
});

export const SealedStatementEvidenceSchema = z.object({
  id: z.string(),
  statement: StatementSchema,
  signature: DetachedSignatureSchema,
  proof: z.object({
    head: z.object({ referralId: z.string(), seq: z.number().int(), hash: z.string() }),
    index: z.number().int(),
    size: z.number().int(),
    proof: z.array(z.string()),
  }),
});

export const EvidenceFileSchema = z.object({
  format: z.literal(EVIDENCE_FORMAT),
  referralId: z.uuid(),
  producedAt: z.string(),
  events: z.array(EvidenceEventSchema).min(1),
  keys: z.array(EvidenceKeySchema),
  hubKeys: z.array(HubKeySchema).min(1),
  /** The latest statement that covers the referral (or the one asked for); null before the first seal. */
  statement: SealedStatementEvidenceSchema.nullable(),
  /** The hub's signature over the RFC 8785 JSON of the file without this member. */
  seal: DetachedSignatureSchema,
});
export type EvidenceFile = z.infer<typeof EvidenceFileSchema>;
export type UnsealedEvidence = Omit<EvidenceFile, 'seal'>;

/** What a signed event's `signed` member holds (schemas/referral-step.ts puts it there). */
export const SignedMemberSchema = CommandSignatureSchema.extend({ command: z.unknown() });

/**
 * Members the hub itself adds to what an agency sent (the late flag of Decree 310 Art 5, the duties, a
 * replay, the signature, the files a decline returns or a forward carries, the briefing's id): an event may
 * hold them beyond what was signed; any other member must be the agency's, as signed.
 */
export const HUB_ADDED_MEMBERS = [
  'late',
  'duties',
  'replayOf',
  'signed',
  'documents',
  'documentsReturned',
  'briefingId',
] as const;
