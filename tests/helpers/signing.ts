import { randomUUID } from 'node:crypto';
import { exportPublicKey, generateKeyPair, type PrivateKey } from '../../crypto/keys.js';
import { signCommand } from '../../crypto/signatures.js';
import type { Db } from '../../db/connection.js';
import { addSigningKey } from '../../db/signing-keys.js';
import type { SignatureAlg } from '../../schemas/signature.js';

/** A key pair registered for `agency`, valid from a minute ago (or as given). */
export async function registeredKey(
  db: Db,
  agency: string,
  alg: SignatureAlg,
  validity: { from?: Date; until?: Date | null } = {},
): Promise<PrivateKey> {
  const key = generateKeyPair(alg);
  await addSigningKey(db, {
    agency,
    publicKeyPem: exportPublicKey(key.publicKey),
    validFrom: validity.from ?? new Date(Date.now() - 60_000),
    validUntil: validity.until ?? null,
  });
  return key;
}

/**
 * The headers of a signed HTTP command: its `Idempotency-Key` (new unless given) and a `Command-Signature`
 * over `{method, path, idempotencyKey, body}`.
 */
export function signatureHeader(
  key: PrivateKey,
  method: string,
  path: string,
  body: unknown,
  idempotencyKey: string = randomUUID(),
) {
  const s = signCommand({ method, path, idempotencyKey, body }, key);
  return {
    'idempotency-key': idempotencyKey,
    'command-signature': `alg=${s.alg}, keyId=${s.keyId}, signature=${s.signature}`,
  };
}

/** An AMQP command envelope with the agency's signature over it (without the signature member). */
export function signEnvelope<T extends object>(envelope: T, key: PrivateKey): T & { signature: unknown } {
  return { ...envelope, signature: signCommand(envelope, key) };
}
