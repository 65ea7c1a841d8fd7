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
