import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateKeyPair, importPublicKey, type Sm2PublicKey, sm2PublicKey } from '../../crypto/keys.js';
import { verify } from '../../crypto/signatures.js';
import {
  decodeSm2Signature,
  encodeSm2Signature,
  SM2_DEFAULT_USER_ID,
  SM2_P256,
  sm2Sign,
  sm2Verify,
} from '../../crypto/sm2.js';
import { SM2_NATIVE, sm2SignNative, sm2VerifyNative } from '../../crypto/sm2-native.js';

const ascii = (text: string) => Buffer.from(text, 'ascii');

// GM/T 0003.5-2012 Annex A: the recommended curve, the default user id, the published signature.
const d = 0x3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8n;
const published = encodeSm2Signature({
  r: 0xf5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3n,
  s: 0xb1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aan,
});

describe("SM2 by Node's OpenSSL with the standard's Z", () => {
  it('is what this Node does (so the hub and CI use it)', () => {
    expect(SM2_NATIVE).toBe(true);
  });

  it("verifies the standard's published signature and refuses it for another message or key", () => {
    const other = generateKeyPair('sm2').publicKey;
    const standard = sm2PublicKey(SM2_P256.Point.BASE.multiply(d));
    expect(SM2_DEFAULT_USER_ID.toString()).toBe('1234567812345678');
    expect(sm2VerifyNative(standard, ascii('message digest'), published)).toBe(true);
    expect(sm2VerifyNative(standard, ascii('message digesT'), published)).toBe(false);
    expect(sm2VerifyNative(other, ascii('message digest'), published)).toBe(false);
  });

  it('refuses s + n, which reads as DER but lies outside [1, n−1] (B2)', () => {
    const key = sm2PublicKey(SM2_P256.Point.BASE.multiply(d));
    const { r, s } = decodeSm2Signature(published);
    const shifted = encodeSm2Signature({ r, s: s + SM2_P256.params.n });
    expect(sm2VerifyNative(key, ascii('message digest'), shifted)).toBe(false);
    expect(
      verify({
        signature: { alg: 'sm2', signature: shifted.toString('base64') },
        publicKey: key,
        data: ascii('message digest'),
      }).ok,
    ).toBe(false);
  });

  it('agrees with the JavaScript implementation both ways, on any bytes', () => {
    const key = generateKeyPair('sm2');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 299 }), (bytes, at) => {
        const data = Buffer.from(bytes);
        const native = sm2SignNative(key, data);
        const js = encodeSm2Signature(sm2Sign({ d: key.d, publicKey: key.publicKey.point, message: data }));
        expect(
          sm2Verify({ publicKey: key.publicKey.point, message: data, signature: decodeSm2Signature(native) }),
        ).toBe(true);
        expect(sm2VerifyNative(key.publicKey, data, js)).toBe(true);
        if (data.length > 0) {
          const changed = Buffer.from(data);
          changed[at % data.length]! ^= 0x01;
          expect(sm2VerifyNative(key.publicKey, changed, native)).toBe(false);
          expect(
            sm2Verify({
              publicKey: key.publicKey.point,
              message: changed,
              signature: decodeSm2Signature(native),
            }),
          ).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses plain ECDSA on the SM2 curve (what crypto.sign makes with a key Node generated)', () => {
    const generated = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const message = ascii('message digest');
    const ecdsa = sign('sm3', message, generated.privateKey);
    const key = importPublicKey(
      generated.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    ) as Sm2PublicKey;
    expect(sm2VerifyNative(key, message, ecdsa)).toBe(false);
  });
});
