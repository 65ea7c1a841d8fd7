import { createHash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalBytes } from '../../crypto/jcs.js';
import {
  buildHeadsTree,
  type ChainHead,
  headLeafHash,
  inclusionProof,
  leafHash,
  nodeHash,
  rootOf,
  verifyHeadProof,
  verifyInclusion,
} from '../../crypto/merkle.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (h: string) => Buffer.from(h, 'hex');

// RFC 6962 reference vectors from transparency-dev/merkle: testonly/constants.go (leaf inputs, the root
// for every size 0..8) and proof/verify_test.go (inclusion proofs; their leaf numbers are 1-based).
const LEAF_INPUTS = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION = [
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const LEAVES = LEAF_INPUTS.map((h) => leafHash(unhex(h)));

describe('the RFC 6962 / RFC 9162 Merkle tree', () => {
  it('gives the reference root for every tree size 0..8', () => {
    for (let n = 0; n <= 8; n++) expect(hex(rootOf(LEAVES.slice(0, n))), `size ${n}`).toBe(ROOTS[n]);
  });

  it.each(INCLUSION)('gives the reference inclusion proof of leaf $index in a tree of $size', (vector) => {
    const tree = LEAVES.slice(0, vector.size);
    expect(inclusionProof(tree, vector.index).map(hex)).toEqual(vector.proof);
    const input = {
      ...vector,
      leafHash: tree[vector.index]!,
      proof: vector.proof.map(unhex),
      root: unhex(ROOTS[vector.size]!),
    };
    expect(verifyInclusion(input)).toBe(true);
  });

  it('keeps leaves and nodes apart: a node presented as a leaf does not verify', () => {
    const [a, b, c, d] = LEAVES;
    const left = nodeHash(a!, b!);
    const root = rootOf([a!, b!, c!, d!]);
    expect(hex(root)).toBe(ROOTS[4]);
    // Without prefixes, "left" would be a leaf of a two-leaf tree {left, node(c, d)} with the same root.
    expect(verifyInclusion({ index: 0, size: 2, leafHash: left, proof: [nodeHash(c!, d!)], root })).toBe(
      true,
    );
    expect(
      verifyInclusion({ index: 0, size: 2, leafHash: leafHash(left), proof: [nodeHash(c!, d!)], root }),
    ).toBe(false);
    expect(leafHash(Buffer.concat([a!, b!]))).not.toEqual(left);
  });

  it("verifies every leaf's proof in every tree size up to 40, and refuses a changed leaf, sibling, index or size", () => {
    const many = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from([i, i * 7])));
    for (let size = 1; size <= many.length; size++) {
      const tree = many.slice(0, size);
      const root = rootOf(tree);
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof(tree, index);
        const good = { index, size, leafHash: tree[index]!, proof, root };
        expect(verifyInclusion(good)).toBe(true);
        expect(verifyInclusion({ ...good, leafHash: leafHash(Buffer.from('changed')) })).toBe(false);
        if (size > 1) {
          expect(verifyInclusion({ ...good, index: (index + 1) % size })).toBe(false);
          expect(verifyInclusion({ ...good, proof: proof.slice(0, -1) })).toBe(false);
          expect(verifyInclusion({ ...good, proof: [...proof, root] })).toBe(false);
          proof.forEach((_, i) => {
            const flipped = proof.map((h, j) =>
              j === i ? Buffer.from(h.map((x, k) => (k === 0 ? x ^ 8 : x))) : h,
            );
            expect(verifyInclusion({ ...good, proof: flipped })).toBe(false);
          });
        }
        expect(verifyInclusion({ ...good, size: size * 2 })).toBe(false);
        expect(verifyInclusion({ ...good, index: size })).toBe(false);
      }
    }
  });
});

const head = (): ChainHead => ({
  referralId: randomUUID(),
  seq: 1 + Math.floor(Math.random() * 20),
  hash: createHash('sha256').update(randomUUID()).digest('hex'),
});

describe('the tree over chain heads', () => {
  it('has the same root whatever order the heads come in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constant(null).map(head), { minLength: 1, maxLength: 30 }),
        fc.nat(),
        async (heads, seed) => {
          const shuffled = [...heads].sort((a, b) => (a.hash + seed).localeCompare(b.hash + seed));
          expect((await buildHeadsTree(shuffled)).root).toBe((await buildHeadsTree(heads)).root);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("proves each referral's head under the root, and nothing that was changed", async () => {
    const heads = Array.from({ length: 13 }, head);
    const tree = await buildHeadsTree(heads);
    const shorter = await buildHeadsTree(heads.slice(1));
    expect(tree.size).toBe(13);
    for (const { referralId } of heads) {
      const proof = tree.proofFor(referralId)!;
      expect(verifyHeadProof(proof, tree.root)).toBe(true);
      const otherHash = createHash('sha256').update('rewritten').digest('hex');
      expect(verifyHeadProof({ ...proof, head: { ...proof.head, hash: otherHash } }, tree.root)).toBe(false);
      expect(verifyHeadProof({ ...proof, head: { ...proof.head, seq: proof.head.seq + 1 } }, tree.root)).toBe(
        false,
      );
      expect(
        verifyHeadProof({ ...proof, head: { ...proof.head, referralId: randomUUID() } }, tree.root),
      ).toBe(false);
      expect(verifyHeadProof({ ...proof, index: (proof.index + 1) % 13 }, tree.root)).toBe(false);
      expect(verifyHeadProof(proof, shorter.root)).toBe(false);
    }
    expect(tree.proofFor(randomUUID())).toBeUndefined();
  });

  it('refuses two heads for one referral', async () => {
    const one = head();
    await expect(buildHeadsTree([one, { ...one, seq: one.seq + 1 }])).rejects.toThrow(RangeError);
  });
});

describe('the tree over chain heads, built a level at a time', () => {
  const sortedHeads = (n: number) =>
    Array.from({ length: n }, head).sort((a, b) => (a.referralId < b.referralId ? -1 : 1));

  it('is the RFC 9162 tree: the same root and the same path for every leaf as the recursive definition', async () => {
    for (let n = 0; n <= 70; n++) {
      const heads = sortedHeads(n);
      const tree = await buildHeadsTree(heads);
      const leaves = heads.map(headLeafHash);
      expect(tree.root, `size ${n}`).toBe(hex(rootOf(leaves)));
      for (let i = 0; i < n; i++) {
        const proof = tree.proofFor(heads[i]!.referralId)!;
        expect(proof.index).toBe(i);
        expect(proof.proof, `size ${n}, leaf ${i}`).toEqual(inclusionProof(leaves, i).map(hex));
      }
    }
  });

  it("writes a head's leaf as its RFC 8785 JSON, with or without characters that need escaping", () => {
    const canonicalLeaf = (h: ChainHead) =>
      leafHash(canonicalBytes({ hash: h.hash, referralId: h.referralId, seq: h.seq }));
    fc.assert(
      fc.property(
        fc.record({
          referralId: fc.oneof(fc.uuid(), fc.string({ unit: 'binary' })),
          hash: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.string({ unit: 'binary' })),
          seq: fc.oneof(fc.nat(), fc.integer(), fc.constant(2 ** 53 - 1)),
        }),
        (h) => {
          expect(hex(headLeafHash(h))).toBe(hex(canonicalLeaf(h)));
        },
      ),
      { numRuns: 500 },
    );
    expect(hex(headLeafHash({ referralId: 'a"b', hash: 'c\\d', seq: 1 }))).toBe(
      hex(canonicalLeaf({ referralId: 'a"b', hash: 'c\\d', seq: 1 })),
    );
  });

  it('gives the event loop turns while it builds a large tree', async () => {
    let turns = 0;
    const tick = () => {
      turns++;
      if (building) setImmediate(tick);
    };
    let building = true;
    setImmediate(tick);
    const tree = await buildHeadsTree(sortedHeads(20_000));
    building = false;
    expect(tree.size).toBe(20_000);
    // 20,000 leaves and 19,999 nodes at 1,024 hashes a turn: the loop ran between them.
    expect(turns).toBeGreaterThan(20);
  });
});

describe("a head's leaf from values of any type", () => {
  it('is the RFC 8785 JSON of what it holds, not of its text form', () => {
    const odd = [
      { referralId: ['a'], hash: 123, seq: 1 },
      { referralId: 'a', hash: null, seq: 2 },
    ] as unknown as ChainHead[];
    for (const h of odd) {
      expect(hex(headLeafHash(h))).toBe(
        hex(leafHash(canonicalBytes({ hash: h.hash, referralId: h.referralId, seq: h.seq }))),
      );
    }
    // Not JSON at all: refused as RFC 8785 refuses it, not hashed as the text it prints as.
    const printable = { referralId: { toString: () => 'a' }, hash: 'b', seq: 3 } as unknown as ChainHead;
    expect(() => headLeafHash(printable)).toThrow(/not a JSON value/);
  });
});
