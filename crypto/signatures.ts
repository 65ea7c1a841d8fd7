import { sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import type { DetachedSignature, SignatureAlg } from '../schemas/signature.js';
import { canonicalBytes, canonicalTextOrUndefined } from './jcs.js';
import type { PrivateKey, PublicKey, Sm2PublicKey } from './keys.js';
import { decodeSm2Signature, encodeSm2Signature, sm2Sign, sm2Verify } from './sm2.js';
import { SM2_GMSSL, SM2_GMSSL_UNUSED, sm2VerifyGmssl } from './sm2-gmssl.js';
import { SM2_NATIVE, sm2SignNative, sm2VerifyNative } from './sm2-native.js';

/**
 * Detached signatures that name their algorithm (issue 15). The bytes are what OpenSSL writes, so an
 * agency can sign on the command line: SM2 as GM/T 0009 DER SEQUENCE { r, s } over SM3(Z ‖ data) with
 * the default user id (`openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt distid:1234567812345678`),
 * Ed25519 as RFC 8032's 64 bytes (`openssl pkeyutl -sign -rawin`); both in standard base64.
 */
export type VerifyFailure =
  /** The signature's algorithm is not the key's. */
  | 'alg_mismatch'
  /** The signature names another key id than the key it is checked with. */
  | 'key_mismatch'
  /** Not base64, not DER, not 64 bytes, or a command that is not JSON: nothing that could verify. */
  | 'malformed'
  /** Well-formed, but not a signature of these bytes by this key. */
  | 'invalid';

export type VerifyResult =
  | { ok: true; alg: SignatureAlg; keyId: string }
  | { ok: false; reason: VerifyFailure };

export type SignInput = { alg: SignatureAlg; privateKey: PrivateKey; data: Uint8Array };
export type VerifyInput = { signature: DetachedSignature; publicKey: PublicKey; data: Uint8Array };

export function sign({ alg, privateKey, data }: SignInput): DetachedSignature {
  if (alg !== privateKey.alg) throw new TypeError(`a ${privateKey.alg} key cannot make a ${alg} signature`);
  const bytes =
    privateKey.alg === 'sm2'
      ? SM2_NATIVE
        ? sm2SignNative(privateKey, data)
        : encodeSm2Signature(
            sm2Sign({ d: privateKey.d, publicKey: privateKey.publicKey.point, message: data }),
          )
      : nodeSign(null, data, privateKey.keyObject);
  return { alg, keyId: privateKey.publicKey.keyId, signature: bytes.toString('base64') };
}

export function verify(input: VerifyInput): VerifyResult {
  const prepared = prepareVerify(input);
  return 'reason' in prepared ? prepared : verdictOf(prepared, checkSignature(prepared));
}

/**
 * What is left of a verification once its form has been read: the one costly step (the public-key
 * operation), which `checkSignature` does here and `VerifierPool` on another thread.
 */
export type SignatureCheck = { publicKey: PublicKey; data: Uint8Array; bytes: Buffer };

/** A command's check, with the RFC 8785 text its bytes are (the ledger writes it as it is: no second pass). */
export type CommandCheck = SignatureCheck & { text: string };

/** Where the public-key operations of commands' signatures run (runtime/verifier-pool.ts: threads). */
export type SignatureVerifier = {
  check(check: SignatureCheck): Promise<boolean | undefined>;
  close(): Promise<void>;
};

/** On the calling thread, now. */
export const inlineVerifier: SignatureVerifier = {
  check: (check) => Promise.resolve(checkSignature(check)),
  close: async () => {},
};

/** A verification's cheap part: algorithm, key id and the signature's form; the check that remains. */
export function prepareVerify({
  signature,
  publicKey,
  data,
}: VerifyInput): SignatureCheck | { ok: false; reason: VerifyFailure } {
  if (signature.alg !== publicKey.alg) return { ok: false, reason: 'alg_mismatch' };
  if (signature.keyId !== undefined && signature.keyId !== publicKey.keyId) {
    return { ok: false, reason: 'key_mismatch' };
  }
  const bytes = strictBase64(signature.signature);
  if (!bytes || !wellFormed(publicKey, bytes)) return { ok: false, reason: 'malformed' };
  return { publicKey, data, bytes };
}

/** The answer of a check: true or false, or undefined when the signature could not be read. */
export function verdictOf(check: SignatureCheck, verdict: boolean | undefined): VerifyResult {
  if (verdict === undefined) return { ok: false, reason: 'malformed' };
  return verdict
    ? { ok: true, alg: check.publicKey.alg, keyId: check.publicKey.keyId }
    : { ok: false, reason: 'invalid' };
}

/** Ed25519 signatures are 64 bytes; SM2 ones strict DER (r and s in range is B1–B2 of the check itself). */
function wellFormed(publicKey: PublicKey, bytes: Buffer): boolean {
  if (publicKey.alg === 'ed25519') return bytes.length === 64;
  try {
    decodeSm2Signature(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The public-key operation: true or false, undefined when the signature could not be read. */
export function checkSignature({ publicKey, data, bytes }: SignatureCheck): boolean | undefined {
  try {
    if (publicKey.alg === 'ed25519') return nodeVerify(null, data, publicKey.keyObject, bytes);
    return sm2VerifyDer(publicKey, data, bytes);
  } catch {
    return undefined;
  }
}

/** Which code verifies SM2 here: GmSSL's sm2_z256 if built (about 50 µs), else OpenSSL (250 µs) or JavaScript. */
export const SM2_VERIFIER: 'gmssl' | 'openssl' | 'javascript' = SM2_GMSSL
  ? 'gmssl'
  : SM2_NATIVE
    ? 'openssl'
    : 'javascript';

/** Which code verifies SM2, and why not GmSSL's when it is not, for the start-up log lines. */
export const SM2_VERIFIER_LOG: { sm2Verifier: typeof SM2_VERIFIER; sm2_z256?: string } = {
  sm2Verifier: SM2_VERIFIER,
  ...(SM2_GMSSL_UNUSED === undefined ? {} : { sm2_z256: SM2_GMSSL_UNUSED }),
};

const sm2VerifyDer: (key: Sm2PublicKey, data: Uint8Array, der: Buffer) => boolean = {
  gmssl: sm2VerifyGmssl,
  openssl: sm2VerifyNative,
  javascript: (key: Sm2PublicKey, data: Uint8Array, der: Buffer) =>
    sm2Verify({ publicKey: key.point, message: data, signature: decodeSm2Signature(der) }),
}[SM2_VERIFIER];

/** Base64 (RFC 4648 §4) that re-encodes to itself: Node's decoder would skip stray characters. */
function strictBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 && bytes.toString('base64') === text ? bytes : undefined;
}

/** A signature over the RFC 8785 bytes of `command` (without any signature it will carry). */
export function signCommand(command: unknown, privateKey: PrivateKey): DetachedSignature {
  return sign({ alg: privateKey.alg, privateKey, data: canonicalBytes(command) });
}

export function verifyCommand(
  command: unknown,
  signature: DetachedSignature,
  publicKey: PublicKey,
): VerifyResult {
  const prepared = prepareCommandVerify(command, signature, publicKey);
  return 'reason' in prepared ? prepared : verdictOf(prepared, checkSignature(prepared));
}

/** `verifyCommand` but the public-key operation: the command's RFC 8785 bytes and the signature's form. */
export function prepareCommandVerify(
  command: unknown,
  signature: DetachedSignature,
  publicKey: PublicKey,
): CommandCheck | { ok: false; reason: VerifyFailure } {
  const text = canonicalTextOrUndefined(command);
  if (text === undefined) return { ok: false, reason: 'malformed' };
  const prepared = prepareVerify({ signature, publicKey, data: Buffer.from(text, 'utf8') });
  return 'reason' in prepared ? prepared : { ...prepared, text };
}
