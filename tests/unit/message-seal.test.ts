import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../crypto/jcs.js';
import { generateKeyPair } from '../../crypto/keys.js';
import { inclusionProof, rootOf } from '../../crypto/merkle.js';
import {
  envelopeLeaf,
  messageSealHeaderText,
  messageSealOfHeader,
  sealCanonicalTexts,
  sealMessages,
  verifyMessageSeal,
} from '../../crypto/message-seal.js';
import type { CanonicalText } from '../../schemas/canonical-json.js';

const envelopes = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ messageId: `m${i}`, type: 'referral.submitted', payload: { i } }));

describe('the hub’s seal on a batch of messages', () => {
  it('seals envelopes stored as canonical text exactly as their parsed form, so either verifies', () => {
    const key = generateKeyPair('ed25519');
    const batch = [
      ...envelopes(3),
      { b: '案件\u0000控制字符', a: [1, 2.5, { z: null, y: true }], é: 'x', 'e\u0301': 'y' },
    ];
    const texts = batch.map((e) => canonicalize(e) as CanonicalText);
    const fromTexts = sealCanonicalTexts(texts, key);
    expect(fromTexts.map(({ signature: _, ...s }) => s)).toEqual(
      sealMessages(batch, key).map(({ signature: _, ...s }) => s),
    );
    texts.forEach((text, i) => {
      expect(verifyMessageSeal(JSON.parse(text), fromTexts[i]!, key.publicKey).ok).toBe(true);
    });
  });

  for (const alg of ['sm2', 'ed25519'] as const) {
    it(`verifies every message of batches of 1 to 9 under one ${alg} signature, and no message altered`, () => {
      const key = generateKeyPair(alg);
      for (let n = 1; n <= 9; n++) {
        const batch = envelopes(n);
        const seals = sealMessages(batch, key);
        expect(new Set(seals.map((s) => s.signature)).size).toBe(1);
        batch.forEach((envelope, i) => {
          const seal = seals[i]!;
          expect(verifyMessageSeal(envelope, seal, key.publicKey)).toMatchObject({ ok: true, alg });
          // The header line carries the whole seal.
          const read = messageSealOfHeader(messageSealHeaderText(seal));
          expect(verifyMessageSeal(envelope, read, key.publicKey).ok).toBe(true);
          expect(verifyMessageSeal({ ...envelope, type: 'x' }, seal, key.publicKey)).toMatchObject({
            ok: false,
            reason: 'proof',
          });
          if (n > 1) {
            // Another message's proof, or another index, does not lead to the root.
            const j = (i + 1) % n;
            expect(verifyMessageSeal(envelope, { ...seal, index: j }, key.publicKey).ok).toBe(false);
          }
        });
      }
    });
  }

  it('computes the same proofs as RFC 9162’s PATH for every leaf', () => {
    const key = generateKeyPair('ed25519');
    const batch = envelopes(13);
    const leaves = batch.map(envelopeLeaf);
    const seals = sealMessages(batch, key);
    expect(seals[0]!.root).toBe(rootOf(leaves).toString('hex'));
    seals.forEach((seal, i) => {
      expect(seal.proof).toEqual(inclusionProof(leaves, i).map((h) => h.toString('hex')));
    });
  });

  it('refuses a signature by another key, or a root the hub did not sign', () => {
    const key = generateKeyPair('sm2');
    const other = generateKeyPair('sm2');
    const [seal] = sealMessages(envelopes(1), key);
    expect(verifyMessageSeal(envelopes(1)[0], seal!, other.publicKey).ok).toBe(false);
    const forged = sealMessages(envelopes(2), key)[0]!;
    // A valid signature of another batch with this message's (single-leaf) root claimed.
    expect(
      verifyMessageSeal(envelopes(1)[0], { ...forged, root: seal!.root, proof: [], size: 1 }, key.publicKey),
    ).toMatchObject({ ok: false, reason: 'invalid' });
  });
});
