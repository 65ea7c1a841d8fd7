import { createRequire } from 'node:module';
import type { Sm2PublicKey } from './keys.js';
import { bytesOf, decodeSm2Signature, SM2_P256, SM2_PUBLISHED_EXAMPLE, sm2Z, sm3 } from './sm2.js';

/**
 * SM2 verification on GmSSL's sm2_z256 arithmetic (native/gmssl: the SM2 prime's own Montgomery code in
 * x86-64 assembly, unmodified; native/sm2-verify.c the N-API glue), built at install by
 * scripts/build-native.mjs: about 50 µs a verification here against 250 µs for OpenSSL 3.0, whose SM2 runs
 * on its generic elliptic-curve code. Verification only: signing stays with OpenSSL (crypto/sm2-native.ts).
 *
 * The module is used only if it was built and gives the standard's answers: the published signature of
 * GM/T 0003.5 verifies and the same signature over another message does not. Otherwise the hub verifies with
 * OpenSSL, which gives the same answers (tests/unit/sm2-gmssl.test.ts holds the two, and the JavaScript
 * implementation, to each other).
 */
type Addon = { verify(publicKey: Uint8Array, e: Uint8Array, r: Uint8Array, s: Uint8Array): boolean };

const ORDER = SM2_P256.params.n;
const prepared = new WeakMap<Sm2PublicKey, { point: Buffer; z: Buffer }>();

/** x ‖ y of the key's point (64 bytes) and its Z with the default ID (computed once a key). */
function preparedKey(key: Sm2PublicKey): { point: Buffer; z: Buffer } {
  let found = prepared.get(key);
  if (!found) {
    found = { point: Buffer.from(key.point.toBytes(false).subarray(1)), z: sm2Z(key.point) };
    prepared.set(key, found);
  }
  return found;
}

/** GM/T 0003.5's published signature verifies, and the same over another message does not. */
function givesTheStandardsAnswers(addon: Addon): boolean {
  const { x, y, z, message, r, s } = SM2_PUBLISHED_EXAMPLE;
  const point = Buffer.concat([bytesOf(x, 32), bytesOf(y, 32)]);
  const signed = (m: Uint8Array) =>
    addon.verify(point, sm3(bytesOf(z, 32), m), bytesOf(r, 32), bytesOf(s, 32));
  return signed(message) && !signed(Buffer.from('message digesT', 'ascii'));
}

/** The module `open` gives, if it is fit to verify; else why not. Exported for its tests. */
export function loadSm2Module(open: () => unknown): { addon: Addon } | { unused: string } {
  let addon: Addon;
  try {
    addon = open() as Addon;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return {
      unused:
        code === 'MODULE_NOT_FOUND'
          ? 'not built (npm run build:native: Linux x86-64 with a C compiler)'
          : `it does not load: ${message}`,
    };
  }
  // A module of another build (an older verify, none at all) or a Node without SM3 must not stop the hub.
  try {
    if (typeof addon.verify !== 'function') return { unused: 'it has no verify function' };
    return givesTheStandardsAnswers(addon)
      ? { addon }
      : { unused: "it does not give the standard's answers for its published example" };
  } catch (error) {
    return { unused: `its check against the standard's example failed: ${(error as Error).message}` };
  }
}

const loaded = loadSm2Module(() => createRequire(import.meta.url)('../build/sm2_z256.node'));
const addon = 'addon' in loaded ? loaded.addon : undefined;

/** Whether SM2 signatures are verified by the GmSSL module (else by OpenSSL or, lacking it, JavaScript). */
export const SM2_GMSSL: boolean = addon !== undefined;

/** Why the module is not used (for the start-up log), or undefined when it is. */
export const SM2_GMSSL_UNUSED: string | undefined = 'unused' in loaded ? loaded.unused : undefined;

/** Whether `der` (strict DER: the caller has read it) is an SM2 signature of `data` by `key`. */
export function sm2VerifyGmssl(key: Sm2PublicKey, data: Uint8Array, der: Uint8Array): boolean {
  if (!addon) throw new Error('the sm2_z256 module is not built (npm run build:native)');
  const { r, s } = decodeSm2Signature(der);
  // B1–B2 here as well as in the module: DER reads r and s up to 33 bytes, and only 32 reach it.
  if (r < 1n || r >= ORDER || s < 1n || s >= ORDER) return false;
  const { point, z } = preparedKey(key);
  return addon.verify(point, sm3(z, data), bytesOf(r, 32), bytesOf(s, 32));
}
