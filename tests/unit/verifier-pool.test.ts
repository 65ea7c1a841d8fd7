import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyPair, type PrivateKey } from '../../crypto/keys.js';
import {
  checkSignature,
  prepareVerify,
  type SignatureCheck,
  SM2_VERIFIER,
  sign,
} from '../../crypto/signatures.js';
import { SM2_NATIVE } from '../../crypto/sm2-native.js';
import { VerifierPool } from '../../runtime/verifier-pool.js';

const keys: PrivateKey[] = [
  generateKeyPair('sm2'),
  generateKeyPair('sm2'),
  generateKeyPair('ed25519'),
  generateKeyPair('ed25519'),
];

/** Good signatures, signatures of other bytes, and signatures checked with another key of the same algorithm. */
function checks(n: number): SignatureCheck[] {
  return Array.from({ length: n }, (_, i) => {
    // keys[k ^ 1] is the other key of the same algorithm.
    const k = i % 4;
    const key = keys[k]!;
    const data = randomBytes(1 + (i % 300));
    const signature = sign({ alg: key.alg, privateKey: key, data });
    const kind = Math.floor(i / 4) % 3;
    const publicKey = kind === 2 ? keys[k ^ 1]!.publicKey : key.publicKey;
    const signed = kind === 1 ? Buffer.concat([data, Buffer.from([i & 255])]) : data;
    const prepared = prepareVerify({
      signature: { ...signature, keyId: publicKey.keyId },
      publicKey,
      data: signed,
    });
    if ('reason' in prepared) throw new Error(prepared.reason);
    return prepared;
  });
}

describe('signature checks on a thread of their own', () => {
  it('answers each check as the event loop would, for SM2 and Ed25519, good and bad', async () => {
    const pool = new VerifierPool(2, 30_000, SM2_NATIVE);
    const all = checks(96);
    const answers = await Promise.all(all.map((c) => pool.check(c)));
    expect(answers).toEqual(all.map((c) => checkSignature(c)));
    expect(answers.filter((a) => a === true).length).toBe(32);
    expect(answers.filter((a) => a === false).length).toBe(64);
    expect(pool.running).toBeGreaterThan(0);
    expect(pool.running).toBeLessThanOrEqual(2);
    await pool.close();
    expect(pool.running).toBe(0);
  });

  it('answers what a thread held when it died, and starts another for what comes next', async () => {
    const pool = new VerifierPool(1, 30_000, SM2_NATIVE);
    const held = checks(30);
    const asked = held.map((c) => pool.check(c));
    // The checks go to the thread on the next turn of the event loop; it dies before it answers them all.
    await new Promise((resolve) => setImmediate(resolve));
    await pool.crashOne();
    expect(await Promise.all(asked)).toEqual(held.map((c) => checkSignature(c)));
    expect(pool.running).toBe(0);
    const later = checks(6);
    expect(await Promise.all(later.map((c) => pool.check(c)))).toEqual(later.map((c) => checkSignature(c)));
    expect(pool.running).toBe(1);
    await pool.close();
  });

  it('ends a thread that has had nothing to do, and still answers after close', async () => {
    const pool = new VerifierPool(1, 50, SM2_NATIVE);
    const [first] = checks(1);
    expect(await pool.check(first!)).toBe(true);
    expect(pool.running).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pool.running).toBe(0);
    await pool.close();
    const after = checks(12).filter((_, i) => i % 4 === 0);
    expect(await Promise.all(after.map((c) => pool.check(c)))).toEqual([true, false, false]);
  });

  it('keeps SM2 on the event loop where GmSSL verifies it, and sends Ed25519 to a thread', async () => {
    const pool = new VerifierPool(1);
    const [sm2, , ed25519] = checks(4);
    expect(await pool.check(sm2!)).toBe(true);
    expect(pool.running).toBe(SM2_VERIFIER === 'openssl' ? 1 : 0);
    expect(await pool.check(ed25519!)).toBe(true);
    expect(pool.running).toBe(1);
    await pool.close();
  });

  it('with no threads checks on the event loop', async () => {
    const pool = new VerifierPool(0);
    const some = checks(6);
    expect(await Promise.all(some.map((c) => pool.check(c)))).toEqual(some.map((c) => checkSignature(c)));
    expect(pool.running).toBe(0);
  });
});
