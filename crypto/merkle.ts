import { createHash, hash } from 'node:crypto';
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

/** Characters RFC 8785 writes as they are inside a string (no escape): printable ASCII but `"` and `\\`. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * A head's leaf is the RFC 8785 JSON of the head, so a verifier in any language rebuilds it. The hub's heads
 * (hex hash, UUID, integer seq) need no escape and no sorting beyond the fixed member order, so their JSON
 * is written directly — the same bytes (tests/unit/merkle.test.ts holds the two to each other), at a
 * million heads a statement the difference between seconds and a fraction of one.
 */
export function headLeafHash(head: ChainHead): Buffer {
  const { hash: h, referralId: id, seq } = head;
  if (
    typeof h === 'string' &&
    typeof id === 'string' &&
    PLAIN.test(h) &&
    PLAIN.test(id) &&
    Number.isSafeInteger(seq)
  ) {
    return hash('sha256', `\u0000{"hash":"${h}","referralId":"${id}","seq":${seq}}`, 'buffer');
  }
  return leafHash(canonicalBytes({ hash: head.hash, referralId: head.referralId, seq: head.seq }));
}

/** What an evidence file carries to show one head is under a sealed root; hashes in hex like the ledger. */
export type HeadProof = { head: ChainHead; index: number; size: number; proof: string[] };

export type HeadsTree = { root: string; size: number; proofFor(referralId: string): HeadProof | undefined };

/** Hashes between two turns of the event loop while a tree is built (about a millisecond's work). */
const HASHES_PER_TURN = 1024;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The tree over all chain heads, sorted by referral id (UTF-16 code units, which for UUIDs is byte
 * order) so that the root does not depend on the order the database returned them in.
 *
 * Built bottom-up, a level at a time, each level one buffer of 32-byte hashes; a node with no sibling is
 * carried up as it is, which is RFC 9162's tree (its left subtree always the largest power of two: the
 * tests hold it to `rootOf` and `inclusionProof`). The build gives the event loop a turn every
 * HASHES_PER_TURN hashes: a statement of a million heads is two million hashes, and a hub that seals hourly
 * or builds a proof for an evidence file must not stop answering while it does. Heads that come sorted (the
 * hub reads them in key order) are not sorted again.
 */
export async function buildHeadsTree(heads: readonly ChainHead[]): Promise<HeadsTree> {
  const sorted = [...heads];
  if (!inOrder(sorted)) sorted.sort((a, b) => compareIds(a.referralId, b.referralId));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1]?.referralId === sorted[i]?.referralId) {
      throw new RangeError(`two heads for referral ${sorted[i]?.referralId}`);
    }
  }
  const n = sorted.length;
  const leaves = Buffer.allocUnsafe(n * 32);
  for (let i = 0; i < n; i++) {
    headLeafHash(sorted[i] as ChainHead).copy(leaves, i * 32);
    if (i % HASHES_PER_TURN === HASHES_PER_TURN - 1) await nextTurn();
  }
  const levels = await levelsAbove(leaves);
  const top = levels.at(-1) as Buffer;
  return {
    root: (n === 0 ? rootOf([]) : top.subarray(0, 32)).toString('hex'),
    size: n,
    proofFor(referralId) {
      const index = indexOf(sorted, referralId);
      if (index === undefined) return undefined;
      const proof: string[] = [];
      let i = index;
      for (const level of levels.slice(0, -1)) {
        const sibling = i ^ 1;
        if (sibling * 32 < level.length)
          proof.push(level.subarray(sibling * 32, sibling * 32 + 32).toString('hex'));
        i >>= 1;
      }
      return { head: sorted[index] as ChainHead, index, size: n, proof };
    },
  };
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function inOrder(heads: readonly ChainHead[]): boolean {
  for (let i = 1; i < heads.length; i++) {
    if (compareIds((heads[i - 1] as ChainHead).referralId, (heads[i] as ChainHead).referralId) > 0)
      return false;
  }
  return true;
}

function indexOf(sorted: readonly ChainHead[], referralId: string): number | undefined {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const order = compareIds((sorted[mid] as ChainHead).referralId, referralId);
    if (order === 0) return mid;
    if (order < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** The levels from the leaves up to the root (the last level holds one hash, or none for no leaves). */
async function levelsAbove(leaves: Buffer): Promise<Buffer[]> {
  const levels = [leaves];
  const pair = Buffer.allocUnsafe(65);
  pair[0] = 1;
  let hashed = 0;
  for (let below = leaves; below.length > 32; ) {
    const count = below.length / 32;
    const above = Buffer.allocUnsafe(Math.ceil(count / 2) * 32);
    for (let i = 0; i + 1 < count; i += 2) {
      below.copy(pair, 1, i * 32, i * 32 + 64);
      hash('sha256', pair, 'buffer').copy(above, (i / 2) * 32);
      if (++hashed % HASHES_PER_TURN === 0) await nextTurn();
    }
    if (count % 2 === 1) below.copy(above, above.length - 32, below.length - 32);
    levels.push(above);
    below = above;
  }
  return levels;
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
