import { z } from 'zod';

/**
 * Issue 15: a detached signature names its algorithm and, when the signer has a registered key, the key.
 * SM2 with SM3 (GB/T 32918.2, GM/T 0009 default user id) first, as government systems are expected to
 * use; Ed25519 (RFC 8032) as the alternative.
 */
export const SIGNATURE_ALGS = ['sm2', 'ed25519'] as const;
export const SignatureAlgSchema = z.enum(SIGNATURE_ALGS);
export type SignatureAlg = z.infer<typeof SignatureAlgSchema>;

/** 16 bytes of SHA-256 over the key's SPKI DER, base64url without padding (crypto/keys.ts keyIdOf). */
export const KeyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'a key id is 22 base64url characters');

export const DetachedSignatureSchema = z.strictObject({
  alg: SignatureAlgSchema,
  keyId: KeyIdSchema.optional(),
  // SM2: DER SEQUENCE { r, s }, at most 72 bytes; Ed25519: 64 bytes. Standard base64 with padding.
  signature: z.base64().min(4).max(128),
});
export type DetachedSignature = z.infer<typeof DetachedSignatureSchema>;

/**
 * A signature as one header line, `alg=sm2, keyId=…, signature=…` (the agency's `Command-Signature` over
 * HTTP; the hub's `hub-signature` adds its batch fields, crypto/message-seal.ts).
 */
export function signatureHeaderText(s: DetachedSignature): string {
  return `alg=${s.alg}, ${s.keyId === undefined ? '' : `keyId=${s.keyId}, `}signature=${s.signature}`;
}

/** The fields of such a line (base64 holds no comma; a value may hold `=`). */
export function signatureHeaderFields(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of line.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) fields[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return fields;
}

/** A command's signature as the command path carries it: the signature, and the JSON object it covers. */
export const CommandSignatureSchema = DetachedSignatureSchema.extend({ keyId: KeyIdSchema });
export type SignedCommand = z.infer<typeof CommandSignatureSchema> & {
  /**
   * What was signed, as the agency sent it: over AMQP the envelope without its `signature` member; over
   * HTTP `{method, path, idempotencyKey, body}` with the body as sent (so that the signature names the
   * referral acted on and the one request).
   */
  command: unknown;
};

/** Issue 15: a region's setting (verified when present in either case). */
export const SIGNATURE_MODES = ['optional', 'required'] as const;
export type SignatureMode = (typeof SIGNATURE_MODES)[number];

/** An agency's registered public key as the hub holds it (PEM text; times ISO 8601). */
export type RegisteredKeyRecord = {
  keyId: string;
  agency: string;
  alg: SignatureAlg;
  publicKey: string;
  validFrom: string;
  validUntil: string | null;
  revokedAt: string | null;
};

export type KeyStanding = 'valid' | 'not_yet_valid' | 'expired' | 'revoked';

/** Whether a key could sign at `at`: from valid_from, before valid_until and before any revocation. */
export function keyStandingAt(key: RegisteredKeyRecord, at: Date): KeyStanding {
  const t = at.getTime();
  if (key.revokedAt !== null && t >= Date.parse(key.revokedAt)) return 'revoked';
  if (t < Date.parse(key.validFrom)) return 'not_yet_valid';
  if (key.validUntil !== null && t >= Date.parse(key.validUntil)) return 'expired';
  return 'valid';
}
