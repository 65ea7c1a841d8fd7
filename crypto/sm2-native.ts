import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';
import { exportPrivateKey, type PrivateKey, type Sm2PublicKey, sm2PublicKey } from './keys.js';
import { encodeSm2Signature, SM2_P256, SM2_PUBLISHED_EXAMPLE, sm2Z } from './sm2.js';

/**
 * SM2 signatures by OpenSSL, with the Z of GM/T 0009: about 0.2 ms a signature or a verification here,
 * against 1.7 ms for the same steps in JavaScript (crypto/sm2.ts), which stays as the second implementation
 * the tests hold this one to and as the fallback where Node's OpenSSL has no SM2.
 *
 * Why this is the SM2 scheme and not ECDSA on the SM2 curve: Node's one-shot `sign`/`verify` let OpenSSL
 * compute Z itself, with an empty ID (Node cannot pass `distid`). The older `createSign`/`createVerify`
 * hash what they are given and hand the digest to EVP_PKEY_sign/EVP_PKEY_verify, which for a key loaded
 * as SM2 (SPKI or PKCS#8 naming the SM2 curve) run GB/T 32918.2 §6.1 A3–A7 and §7.1 B1–B7 on that digest.
 * So the digest we give it is e = SM3(Z ‖ M) with Z over the default ID — the standard's A1–A2, done here.
 * The standard's published signature verifies this way (tests/unit/sm2-native.test.ts), and a signature
 * made either way verifies the other.
 */
const publicKeys = new WeakMap<Sm2PublicKey, { z: Buffer; native: KeyObject }>();
const privateKeys = new WeakMap<PrivateKey, KeyObject>();

function nativePublic(key: Sm2PublicKey) {
  let found = publicKeys.get(key);
  if (!found) {
    found = {
      z: sm2Z(key.point),
      native: createPublicKey({ key: key.spki, format: 'der', type: 'spki' }),
    };
    publicKeys.set(key, found);
  }
  return found;
}

function nativePrivate(key: Extract<PrivateKey, { alg: 'sm2' }>): KeyObject {
  let found = privateKeys.get(key);
  if (!found) {
    found = createPrivateKey(exportPrivateKey(key));
    privateKeys.set(key, found);
  }
  return found;
}

/** Z of GM/T 0009 for `key` with the default ID (computed once a key). */
export function sm2ZOf(key: Sm2PublicKey): Buffer {
  return nativePublic(key).z;
}

/** A DER SM2 signature of `data` (strict DER, as OpenSSL writes it). */
export function sm2SignNative(key: Extract<PrivateKey, { alg: 'sm2' }>, data: Uint8Array): Buffer {
  const signer = createSign('sm3');
  signer.update(nativePublic(key.publicKey).z);
  signer.update(data);
  return signer.sign(nativePrivate(key));
}

/** Whether `der` (already read as strict DER by the caller) is an SM2 signature of `data` by `key`. */
export function sm2VerifyNative(key: Sm2PublicKey, data: Uint8Array, der: Uint8Array): boolean {
  const { z, native } = nativePublic(key);
  const verifier = createVerify('sm3');
  verifier.update(z);
  verifier.update(data);
  return verifier.verify(native, der);
}

/**
 * Whether this Node's OpenSSL does SM2 as above: the standard's published signature (GM/T 0003.5 Annex A,
 * recommended curve, default ID) must verify natively, and a native signature must verify natively. Checked
 * once, with the example's public key as published, so that start-up multiplies no point in JavaScript (that
 * cost every process 100 ms). The tests hold the native signatures to the JavaScript implementation.
 */
export const SM2_NATIVE: boolean = (() => {
  try {
    const { d, x, y, r, s, message } = SM2_PUBLISHED_EXAMPLE;
    const point = SM2_P256.Point.fromAffine({ x, y });
    const published = encodeSm2Signature({ r, s });
    const probe = { alg: 'sm2' as const, d, publicKey: sm2PublicKey(point) };
    if (!sm2VerifyNative(probe.publicKey, message, published)) return false;
    return sm2VerifyNative(probe.publicKey, message, sm2SignNative(probe, message));
  } catch {
    return false;
  }
})();
