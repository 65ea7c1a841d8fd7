import { describe, expect, it } from 'vitest';
import {
  decodeSm2Signature,
  encodeSm2Signature,
  SM2_DEFAULT_USER_ID,
  SM2_P256,
  sm2CurveOf,
  sm2SignWithNonce,
  sm2Verify,
  sm2Z,
  sm3,
} from '../../crypto/sm2.js';

const hex = (value: bigint) => value.toString(16).toUpperCase().padStart(64, '0');
const ascii = (text: string) => Buffer.from(text, 'ascii');

describe('SM3 (GB/T 32905-2016 Appendix A)', () => {
  it('hashes "abc" to example 1', () => {
    expect(sm3(ascii('abc')).toString('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });

  it('hashes "abcd" × 16 (64 bytes, two blocks after padding) to example 2', () => {
    expect(sm3(ascii('abcd'.repeat(16))).toString('hex')).toBe(
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
  });
});

// GB/T 32918.2-2016 / GM/T 0003.2-2012 Annex A.2: the signature example on the 256-bit *test* curve
// (not the recommended one), user id ALICE123@YAHOO.COM; the same values are in draft-shen-sm2-ecdsa-02
// and OpenSSL's test/sm2_internal_test.c.
const TEST_CURVE = sm2CurveOf({
  p: 0x8542d69e4c044f18e8b92435bf6ff7de457283915c45517d722edb8b08f1dfc3n,
  a: 0x787968b4fa32c3fd2417842e73bbfeff2f3c848b6831d7e0ec65228b3937e498n,
  b: 0x63e4c6d3b23b0c849cf84241484bfe48f61d59a5b16ba06e6e12d1da27c5249an,
  n: 0x8542d69e4c044f18e8b92435bf6ff7dd297720630485628d5ae74ee7c32e79b7n,
  h: 1n,
  Gx: 0x421debd61b62eab6746434ebc3cc315e32220b3badd50bdc4c4e6c147fedd43dn,
  Gy: 0x0680512bcbb42c07d47349d2153b70c4e5d7fdfcbfa36ea1a85841b9e46e09a2n,
});
const ANNEX_A = {
  curve: TEST_CURVE,
  userId: ascii('ALICE123@YAHOO.COM'),
  d: 0x128b2fa8bd433c6c068c8d803dff79792a519a55171b1b650c23661d15897263n,
  xA: '0AE4C7798AA0F119471BEE11825BE46202BB79E2A5844495E97C04FF4DF2548A',
  yA: '7C0240F88F1CD4E16352A73C17B7F16F07353E53A176D684A9FE0C6BB798E857',
  z: 'F4A38489E32B45B6F876E3AC2168CA392362DC8F23459C1D1146FC3DBFB7BC9A',
  message: ascii('message digest'),
  k: 0x6cb28d99385c175c94f94e934817663fc176d925dd72b727260dbaae1fb2f96fn,
  r: '40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1',
  s: '6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7',
};

// GM/T 0003.5-2012 / GB/T 32918.5-2017 Annex A: the example on the recommended curve with the default
// user id of GM/T 0009 (as OpenSSL's test/sm2_internal_test.c replays it).
const RECOMMENDED = {
  curve: SM2_P256,
  userId: SM2_DEFAULT_USER_ID,
  d: 0x3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8n,
  message: ascii('message digest'),
  k: 0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21n,
  r: 'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3',
  s: 'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA',
};

describe('SM2 signatures with the standard examples', () => {
  it('derives the Annex A public key and Z from the private key and ALICE123@YAHOO.COM', () => {
    const publicKey = TEST_CURVE.Point.BASE.multiply(ANNEX_A.d);
    expect([hex(publicKey.x), hex(publicKey.y)]).toEqual([ANNEX_A.xA, ANNEX_A.yA]);
    expect(sm2Z(publicKey, ANNEX_A.userId, TEST_CURVE).toString('hex').toUpperCase()).toBe(ANNEX_A.z);
  });

  it.each([
    ['GB/T 32918.2 Annex A (test curve, ALICE123@YAHOO.COM)', ANNEX_A],
    ['GM/T 0003.5 Annex A (recommended curve, 1234567812345678)', RECOMMENDED],
  ])('signs exactly as %s and verifies', (_name, vector) => {
    const { curve, userId, d, message, k } = vector;
    const signature = sm2SignWithNonce({ d, message, userId, curve }, k);
    expect(signature && [hex(signature.r), hex(signature.s)]).toEqual([vector.r, vector.s]);
    const publicKey = curve.Point.BASE.multiply(d);
    expect(sm2Verify({ publicKey, message, signature: signature!, userId, curve })).toBe(true);
  });

  it('refuses the published signature for another message, another user id or another key', () => {
    const { d, message, r, s } = RECOMMENDED;
    const signature = { r: BigInt(`0x${r}`), s: BigInt(`0x${s}`) };
    const publicKey = SM2_P256.Point.BASE.multiply(d);
    expect(sm2Verify({ publicKey, message, signature })).toBe(true);
    expect(sm2Verify({ publicKey, message: ascii('message digesT'), signature })).toBe(false);
    expect(sm2Verify({ publicKey, message, signature, userId: Buffer.alloc(0) })).toBe(false);
    expect(sm2Verify({ publicKey: publicKey.double(), message, signature })).toBe(false);
  });

  it('refuses r or s outside [1, n−1], including s + n, which would otherwise verify (B1, B2)', () => {
    const { d, message, r, s } = RECOMMENDED;
    const publicKey = SM2_P256.Point.BASE.multiply(d);
    const { n } = SM2_P256.params;
    const good = { r: BigInt(`0x${r}`), s: BigInt(`0x${s}`) };
    for (const signature of [
      { ...good, s: good.s + n },
      { ...good, r: good.r + n },
      { ...good, s: 0n },
      { ...good, r: 0n },
    ]) {
      expect(sm2Verify({ publicKey, message, signature })).toBe(false);
    }
  });

  it('writes r and s as strict DER and reads only strict DER', () => {
    const signature = { r: BigInt(`0x${RECOMMENDED.r}`), s: BigInt(`0x${RECOMMENDED.s}`) };
    const der = encodeSm2Signature(signature);
    expect(der.toString('hex').toUpperCase()).toBe(
      `30460221 00${RECOMMENDED.r} 022100${RECOMMENDED.s}`.replaceAll(' ', ''),
    );
    expect(decodeSm2Signature(der)).toEqual(signature);
    expect(() => decodeSm2Signature(Buffer.concat([der, Buffer.from([0])]))).toThrow();
    const padded = `3047022200 00${RECOMMENDED.r} 022100${RECOMMENDED.s}`.replaceAll(' ', '');
    expect(() => decodeSm2Signature(Buffer.from(padded, 'hex'))).toThrow();
  });
});
