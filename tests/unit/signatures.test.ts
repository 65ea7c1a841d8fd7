import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DerError, pemEncode } from '../../crypto/der.js';
import {
  exportPrivateKey,
  exportPublicKey,
  generateKeyPair,
  importPrivateKey,
  importPublicKey,
  keyIdOf,
} from '../../crypto/keys.js';
import { sign, signCommand, verify, verifyCommand } from '../../crypto/signatures.js';
import { DetachedSignatureSchema, SIGNATURE_ALGS } from '../../schemas/signature.js';

/** RFC 8410 §7 PKCS#8 around a raw Ed25519 seed. */
function ed25519Pem(seedHex: string): string {
  return pemEncode(Buffer.from(`302e020100300506032b657004220420${seedHex}`, 'hex'), 'PRIVATE KEY');
}

// RFC 8032 §7.1, TEST 1 and TEST 2.
const RFC8032 = [
  {
    name: 'TEST 1 (empty message)',
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2 (one byte 0x72)',
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

const command = {
  messageId: '0b6c0b8e-3f4a-4c55-9d57-0d7d3c0b1e11',
  type: 'command.action',
  referralId: '7f1c2a44-9a53-4f0e-8a43-6a1d0b1d2c3e',
  sender: 'pol-a',
  payload: { action: 'receipt', receivedAt: '2026-03-02T09:30:00+08:00', note: '已签收，卷宗 3 册' },
};

describe('Ed25519 with the RFC 8032 test vectors', () => {
  it.each(RFC8032)('signs $name exactly and verifies it', (vector) => {
    const privateKey = importPrivateKey(ed25519Pem(vector.seed));
    expect(privateKey.publicKey.spki.subarray(-32).toString('hex')).toBe(vector.publicKey);
    const data = Buffer.from(vector.message, 'hex');
    const signature = sign({ alg: 'ed25519', privateKey, data });
    expect(Buffer.from(signature.signature, 'base64').toString('hex')).toBe(vector.signature);
    expect(verify({ signature, publicKey: privateKey.publicKey, data })).toMatchObject({ ok: true });
    expect(verify({ signature, publicKey: privateKey.publicKey, data: Buffer.from('73', 'hex') })).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });
});

describe.each(SIGNATURE_ALGS)('%s keys and signatures', (alg) => {
  const privateKey = generateKeyPair(alg);
  const { publicKey } = privateKey;

  it('round-trips the key pair through PKCS#8 and SPKI PEM with the same key id', () => {
    const again = importPrivateKey(exportPrivateKey(privateKey));
    expect(exportPrivateKey(again)).toBe(exportPrivateKey(privateKey));
    expect(importPublicKey(exportPublicKey(publicKey)).keyId).toBe(publicKey.keyId);
    expect(exportPrivateKey(privateKey)).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(exportPublicKey(publicKey)).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it('names the key by the first 16 bytes of SHA-256 over its SPKI DER, in base64url', () => {
    const digest = createHash('sha256').update(publicKey.spki).digest();
    expect(publicKey.keyId).toBe(digest.subarray(0, 16).toString('base64url'));
    expect(keyIdOf(publicKey.spki)).toHaveLength(22);
    expect(generateKeyPair(alg).publicKey.keyId).not.toBe(publicKey.keyId);
  });

  it('signs a command over its JCS bytes, naming the algorithm and the key', () => {
    const signature = signCommand(command, privateKey);
    expect(DetachedSignatureSchema.parse(signature)).toEqual({
      alg,
      keyId: publicKey.keyId,
      signature: expect.any(String),
    });
    expect(verifyCommand(command, signature, publicKey)).toEqual({ ok: true, alg, keyId: publicKey.keyId });
    // The same command with its keys in another order is the same JCS text.
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(command).reverse())));
    expect(verifyCommand(reordered, signature, publicKey)).toMatchObject({ ok: true });
  });

  it('refuses a changed command, another key, a wrong key id and a wrong algorithm', () => {
    const signature = signCommand(command, privateKey);
    const changed = { ...command, payload: { ...command.payload, note: '已签收，卷宗 4 册' } };
    expect(verifyCommand(changed, signature, publicKey)).toEqual({ ok: false, reason: 'invalid' });
    const other = generateKeyPair(alg).publicKey;
    expect(verifyCommand(command, { ...signature, keyId: undefined }, other)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(verifyCommand(command, signature, other)).toEqual({ ok: false, reason: 'key_mismatch' });
    const otherAlg = alg === 'sm2' ? 'ed25519' : 'sm2';
    expect(verifyCommand(command, { ...signature, alg: otherAlg }, publicKey)).toEqual({
      ok: false,
      reason: 'alg_mismatch',
    });
    expect(() => sign({ alg: otherAlg, privateKey, data: Buffer.from('x') })).toThrow(TypeError);
  });

  it('calls a signature that cannot be read malformed, not invalid', () => {
    const signature = signCommand(command, privateKey);
    const bytes = Buffer.from(signature.signature, 'base64');
    for (const text of [
      `${signature.signature.slice(0, -4)}!${signature.signature.slice(-4)}`,
      Buffer.concat([bytes, Buffer.from([0])]).toString('base64'),
      bytes.subarray(1).toString('base64'),
      '',
    ]) {
      expect(verifyCommand(command, { ...signature, signature: text }, publicKey)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
    expect(verifyCommand({ note: '\ud800' }, signature, publicKey)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});

describe('key files', () => {
  it('refuses a key on another curve, naming what it accepts', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => importPrivateKey(p256.export({ format: 'pem', type: 'pkcs8' }).toString())).toThrow(
      /neither SM2 .* nor Ed25519/,
    );
  });

  it('refuses a PKCS#8 SM2 file whose embedded public key is not its own', () => {
    const [a, b] = [generateKeyPair('sm2'), generateKeyPair('sm2')];
    const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const mixed = Buffer.concat([
      der(exportPrivateKey(a)).subarray(0, -65),
      der(exportPrivateKey(b)).subarray(-65),
    ]);
    expect(() => importPrivateKey(pemEncode(mixed, 'PRIVATE KEY'))).toThrow(DerError);
  });

  it('refuses a public key that is not a point on the SM2 curve', () => {
    const spki = Buffer.from(generateKeyPair('sm2').publicKey.spki);
    spki.writeUInt8(spki.readUInt8(spki.length - 1) ^ 1, spki.length - 1);
    expect(() => importPublicKey(pemEncode(spki, 'PUBLIC KEY'))).toThrow(/not a point on the SM2 curve/);
  });
});
