import { createHash } from 'node:crypto';
import { canonicalBytes } from './jcs.js';

/**
 * The Merkle tree of RFC 9162 §2.1 (RFC 6962 §2.1), so that a sealed statement commits to every chain head
 * at once and one referral's head can be shown to be in it with log2(n) hashes. Leaves and interior nodes
 * are hashed with different prefixes (0x00, 0x01), so a node can never be passed off as a leaf.
 */
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export function leafHash(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF).update(leaf).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

/** The largest power of two smaller than n (n ≥ 2): RFC 9162's split point k. */
function splitOf(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 9162 §2.1.1 MTH over leaf hashes; the empty tree's root is SHA-256 of nothing. */
export function rootOf(leafHashes: readonly Uint8Array[]): Buffer {
  const n = leafHashes.length;
  if (n === 0) return createHash('sha256').digest();
  if (n === 1) return Buffer.from(leafHashes[0] as Uint8Array);
  const k = splitOf(n);
  return nodeHash(rootOf(leafHashes.slice(0, k)), rootOf(leafHashes.slice(k)));
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]): the sibling hashes from the leaf up to the root. */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): Buffer[] {
  const n = leafHashes.length;
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`no leaf ${index} of ${n}`);
  if (n === 1) return [];
  const k = splitOf(n);
  return index < k
    ? [...inclusionProof(leafHashes.slice(0, k), index), rootOf(leafHashes.slice(k))]
    : [...inclusionProof(leafHashes.slice(k), index - k), rootOf(leafHashes.slice(0, k))];
}

/** The root and every leaf's PATH at once, in O(n log n) (a batch's seals need them all). */
export function allInclusionProofs(leafHashes: readonly Uint8Array[]): { root: Buffer; proofs: Buffer[][] } {
  const n = leafHashes.length;
  if (n === 0) return { root: rootOf([]), proofs: [] };
  if (n === 1) return { root: Buffer.from(leafHashes[0] as Uint8Array), proofs: [[]] };
  const k = splitOf(n);
  const left = allInclusionProofs(leafHashes.slice(0, k));
  const right = allInclusionProofs(leafHashes.slice(k));
  return {
    root: nodeHash(left.root, right.root),
    proofs: [...left.proofs.map((p) => [...p, right.root]), ...right.proofs.map((p) => [...p, left.root])],
  };
}

export type InclusionInput = {
  index: number;
  size: number;
  leafHash: Uint8Array;
  proof: readonly Uint8Array[];
  root: Uint8Array;
};

/** RFC 9162 §2.1.3.2, step by step: the root the proof leads to must be `root`, using every hash once. */
export function verifyInclusion({ index, size, leafHash: leaf, proof, root }: InclusionInput): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (p.length !== 32 || sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** One referral's chain head as the hub seals it: the ledger's head hash and its sequence number. */
export type ChainHead = { referralId: string; seq: number; hash: string };

/** A head's leaf is the RFC 8785 JSON of the head, so a verifier in any language rebuilds it. */
export function headLeafHash(head: ChainHead): Buffer {
  return leafHash(canonicalBytes({ hash: head.hash, referralId: head.referralId, seq: head.seq }));
}

/** What an evidence file carries to show one head is under a sealed root; hashes in hex like the ledger. */
export type HeadProof = { head: ChainHead; index: number; size: number; proof: string[] };

export type HeadsTree = { root: string; size: number; proofFor(referralId: string): HeadProof | undefined };

/**
 * The tree over all chain heads, sorted by referral id (UTF-16 code units, which for UUIDs is byte
 * order) so that the root does not depend on the order the database returned them in.
 */
export function buildHeadsTree(heads: readonly ChainHead[]): HeadsTree {
  const sorted = [...heads].sort((a, b) =>
    a.referralId < b.referralId ? -1 : a.referralId > b.referralId ? 1 : 0,
  );
  sorted.forEach((head, i) => {
    if (i > 0 && sorted[i - 1]?.referralId === head.referralId) {
      throw new RangeError(`two heads for referral ${head.referralId}`);
    }
  });
  const hashes = sorted.map(headLeafHash);
  const indexOf = new Map(sorted.map((head, i) => [head.referralId, i]));
  return {
    root: rootOf(hashes).toString('hex'),
    size: sorted.length,
    proofFor(referralId) {
      const index = indexOf.get(referralId);
      if (index === undefined) return undefined;
      const proof = inclusionProof(hashes, index).map((h) => h.toString('hex'));
      return { head: sorted[index] as ChainHead, index, size: sorted.length, proof };
    },
  };
}

/** Offline: does `proof` show its head under the sealed `root` (hex)? */
export function verifyHeadProof(proof: HeadProof, root: string): boolean {
  const hex = /^[0-9a-f]{64}$/;
  if (!hex.test(root) || !proof.proof.every((h) => hex.test(h))) return false;
  return verifyInclusion({
    index: proof.index,
    size: proof.size,
    leafHash: headLeafHash(proof.head),
    proof: proof.proof.map((h) => Buffer.from(h, 'hex')),
    root: Buffer.from(root, 'hex'),
  });
}
