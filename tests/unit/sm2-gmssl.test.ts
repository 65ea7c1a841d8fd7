import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateKeyPair, sm2PublicKey } from '../../crypto/keys.js';
import { SM2_VERIFIER, sign, verify } from '../../crypto/signatures.js';
import {
  bytesOf,
  decodeSm2Signature,
  encodeSm2Signature,
  SM2_P256,
  sm2Sign,
  sm2Z,
  sm3,
} from '../../crypto/sm2.js';
import { loadSm2Module, SM2_GMSSL, SM2_GMSSL_UNUSED, sm2VerifyGmssl } from '../../crypto/sm2-gmssl.js';
import { SM2_NATIVE, sm2SignNative, sm2VerifyNative } from '../../crypto/sm2-native.js';

const built = new URL('../../build/sm2_z256.node', import.meta.url);
type Addon = { verify(publicKey: Uint8Array, e: Uint8Array, r: Uint8Array, s: Uint8Array): boolean };
const { n } = SM2_P256.params;
const ascii = (text: string) => Buffer.from(text, 'ascii');
const bytes32 = (value: bigint) => bytesOf(value, 32);

// GM/T 0003.5-2012 Annex A: the recommended curve, the default user id, the published signature.
const d = 0x3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8n;
const published = encodeSm2Signature({
  r: 0xf5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3n,
  s: 0xb1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aan,
});

/** An SM2 signature of the digest e itself (GB/T 32918.2 §6.1 A3–A7), for e outside what SM3 gives. */
function signDigest(key: bigint, e: bigint, k: bigint) {
  const { Fn } = SM2_P256.Point;
  const r = Fn.create(e + SM2_P256.Point.BASE.multiply(k).toAffine().x);
  const s = Fn.create(Fn.inv(1n + key) * (k - r * key));
  return { r, s };
}

describe('the sm2_z256 module (GmSSL) is built here and used', () => {
  it('verifies every SM2 signature when it is built (CI builds it: npm run build:native)', () => {
    // Used exactly when built and its check against the standard's example passed; else the reason is kept.
    expect({ used: SM2_GMSSL, unused: SM2_GMSSL_UNUSED }).toEqual(
      existsSync(built) ? { used: true, unused: undefined } : { used: false, unused: expect.any(String) },
    );
    expect(SM2_VERIFIER).toBe(SM2_GMSSL ? 'gmssl' : SM2_NATIVE ? 'openssl' : 'javascript');
  });
});

describe('a module that is not fit to verify is not used, and the hub goes on with OpenSSL', () => {
  it('names why: not built, not loadable, no verify, wrong answers, or a check that throws', () => {
    const missing = Object.assign(new Error("Cannot find module '../build/sm2_z256.node'"), {
      code: 'MODULE_NOT_FOUND',
    });
    const unused = (open: () => unknown) => {
      const loaded = loadSm2Module(open);
      return 'unused' in loaded ? loaded.unused : 'used';
    };
    expect(
      unused(() => {
        throw missing;
      }),
    ).toMatch(/^not built \(npm run build:native/);
    expect(
      unused(() => {
        throw new Error('undefined symbol: format_print');
      }),
    ).toBe('it does not load: undefined symbol: format_print');
    expect(unused(() => ({}))).toBe('it has no verify function');
    expect(unused(() => ({ verify: () => true }))).toBe(
      "it does not give the standard's answers for its published example",
    );
    expect(unused(() => ({ verify: () => false }))).toBe(
      "it does not give the standard's answers for its published example",
    );
    expect(
      unused(() => ({
        verify: () => {
          throw new TypeError('e must be a Uint8Array of 48 bytes');
        },
      })),
    ).toBe("its check against the standard's example failed: e must be a Uint8Array of 48 bytes");
  });
});

describe.skipIf(!SM2_GMSSL)('SM2 verification by GmSSL sm2_z256', () => {
  const addon = (): Addon => createRequire(import.meta.url)(fileURLToPath(built)) as Addon;

  it("verifies the standard's published signature and refuses it for another message or key", () => {
    const standard = sm2PublicKey(SM2_P256.Point.BASE.multiply(d));
    expect(sm2VerifyGmssl(standard, ascii('message digest'), published)).toBe(true);
    expect(sm2VerifyGmssl(standard, ascii('message digesT'), published)).toBe(false);
    expect(sm2VerifyGmssl(generateKeyPair('sm2').publicKey, ascii('message digest'), published)).toBe(false);
  });

  it('gives OpenSSL’s answer on any bytes, for signatures by OpenSSL and by the JavaScript code, changed or not', () => {
    const key = generateKeyPair('sm2');
    const other = generateKeyPair('sm2');
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.nat({ max: 299 }),
        fc.nat({ max: 71 }),
        (data, at, bit) => {
          const message = Buffer.from(data);
          const byOpenssl = sm2SignNative(key, message);
          const byJs = encodeSm2Signature(sm2Sign({ d: key.d, publicKey: key.publicKey.point, message }));
          const changedSignature = Buffer.from(byOpenssl);
          changedSignature[bit % changedSignature.length]! ^= 1 << (bit % 8);
          const changedMessage = Buffer.from(message);
          if (message.length > 0) changedMessage[at % message.length]! ^= 0x01;
          const cases: [Buffer, Buffer, typeof key.publicKey][] = [
            [message, byOpenssl, key.publicKey],
            [message, byJs, key.publicKey],
            [changedMessage, byOpenssl, key.publicKey],
            [message, byOpenssl, other.publicKey],
          ];
          for (const [m, signature, publicKey] of cases) {
            expect(sm2VerifyGmssl(publicKey, m, signature)).toBe(sm2VerifyNative(publicKey, m, signature));
          }
          expect(sm2VerifyGmssl(key.publicKey, message, byOpenssl)).toBe(true);
          expect(sm2VerifyGmssl(key.publicKey, message, byJs)).toBe(true);
          // A flipped bit may leave the DER unreadable: then neither gets to verify it.
          let readable = true;
          try {
            decodeSm2Signature(changedSignature);
          } catch {
            readable = false;
          }
          if (readable) {
            expect(sm2VerifyGmssl(key.publicKey, message, changedSignature)).toBe(
              sm2VerifyNative(key.publicKey, message, changedSignature),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses r or s outside [1, n−1] and r + s = n (B1–B2, B5), where OpenSSL does too', () => {
    const key = generateKeyPair('sm2');
    const message = ascii('outside the range');
    const { r, s } = decodeSm2Signature(sm2SignNative(key, message));
    for (const bad of [
      { r: 0n, s },
      { r, s: 0n },
      { r: r + n, s },
      { r, s: s + n },
      { r: n, s },
      { r, s: n - r },
    ]) {
      const der = encodeSm2Signature(bad);
      expect(sm2VerifyGmssl(key.publicKey, message, der)).toBe(false);
      expect(sm2VerifyNative(key.publicKey, message, der)).toBe(false);
    }
    // The module's own checks, with the values that fit its 32 bytes.
    const point = Buffer.from(key.publicKey.point.toBytes(false).subarray(1));
    const e = digestOf(key.publicKey.point, message);
    expect(addon().verify(point, e, bytes32(r), bytes32(s))).toBe(true);
    for (const bad of [
      { r: 0n, s },
      { r, s: 0n },
      { r: n, s },
      { r, s: n },
      { r: n + 1n, s },
      { r, s: 2n ** 256n - 1n },
      { r, s: n - r },
    ]) {
      expect(addon().verify(point, e, bytes32(bad.r), bytes32(bad.s))).toBe(false);
    }
  });

  it('reduces a digest of n or more modulo n (B5, B6), as the standard reads e as an integer', () => {
    const key = 0x1234567890abcdefn;
    const point = SM2_P256.Point.BASE.multiply(key).toBytes(false).subarray(1);
    const e = n + 0x1000n; // above n, below 2^256: what one SM3 output in 2^32 is
    const { r, s } = signDigest(key, e, 0xfeedbeefn);
    expect(addon().verify(point, bytes32(e), bytes32(r), bytes32(s))).toBe(true);
    expect(addon().verify(point, bytes32(e - n), bytes32(r), bytes32(s))).toBe(true);
    expect(addon().verify(point, bytes32(e + 1n), bytes32(r), bytes32(s))).toBe(false);
  });

  it('refuses a public key that is not a point of the curve, and arguments of the wrong size', () => {
    const key = generateKeyPair('sm2');
    const message = ascii('a key off the curve');
    const { r, s } = decodeSm2Signature(sm2SignNative(key, message));
    const e = digestOf(key.publicKey.point, message);
    const point = Buffer.from(key.publicKey.point.toBytes(false).subarray(1));
    expect(addon().verify(point, e, bytes32(r), bytes32(s))).toBe(true);
    const off = Buffer.from(point);
    off[63]! ^= 0x01;
    expect(addon().verify(off, e, bytes32(r), bytes32(s))).toBe(false);
    expect(addon().verify(Buffer.alloc(64), e, bytes32(r), bytes32(s))).toBe(false);
    expect(() => addon().verify(point.subarray(1), e, bytes32(r), bytes32(s))).toThrow(
      'publicKey must be a Uint8Array of 64 bytes',
    );
    expect(() => addon().verify(point, e, bytes32(r), Buffer.alloc(33))).toThrow(
      's must be a Uint8Array of 32 bytes',
    );
    expect(() => (addon().verify as (...args: unknown[]) => boolean)(point, e, 'r', bytes32(s))).toThrow(
      'r must be a Uint8Array of 32 bytes',
    );
  });

  it('is what the hub’s verify() runs for SM2: a signature the hub made verifies, a changed one does not', () => {
    const key = generateKeyPair('sm2');
    const data = ascii('{"type":"command.transfer"}');
    const signature = sign({ alg: 'sm2', privateKey: key, data });
    expect(verify({ signature, publicKey: key.publicKey, data })).toEqual({
      ok: true,
      alg: 'sm2',
      keyId: key.publicKey.keyId,
    });
    expect(
      verify({ signature, publicKey: key.publicKey, data: ascii('{"type":"command.transfeR"}') }),
    ).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });
});

/** e = SM3(Z ‖ M) with the default ID. */
function digestOf(point: Parameters<typeof sm2Z>[0], message: Uint8Array): Buffer {
  return sm3(sm2Z(point), message);
}
