import type { CanonicalText } from '../schemas/canonical-json.js';
import type { DetachedSignature } from '../schemas/signature.js';
import { canonicalBytes, canonicalBytesOrUndefined } from './jcs.js';
import type { PrivateKey, PublicKey } from './keys.js';
import { allInclusionProofs, leafHash, verifyInclusion } from './merkle.js';
import { sign, type VerifyResult, verify } from './signatures.js';

/**
 * The hub's seal on the messages it sends (issue 15), one signature per batch: the relay (or an inbox page)
 * builds an RFC 9162 Merkle tree over the batch's envelopes — leaves the SHA-256 of `0x00 ‖` each envelope's
 * RFC 8785 bytes — and signs `{"root":…,"size":…,"type":"hub.message_batch"}` once. Each message carries the
 * signature, the root, its index and its inclusion proof: an agency proves what it was told with the message
 * alone, and an SM2 signature (≈1.5 ms here) costs the hub once per batch, not once per message.
 */
export type MessageSeal = DetachedSignature & { root: string; index: number; size: number; proof: string[] };

/** What the batch signature covers (typed, so that it can never pass for a statement's signature). */
export function batchSealBytes(root: string, size: number): Buffer {
  return canonicalBytes({ type: 'hub.message_batch', root, size });
}

export function envelopeLeaf(envelope: unknown): Buffer {
  return leafHash(canonicalBytes(envelope));
}

/** Seals a batch of envelopes (parsed JSON) with one signature; the seals in the envelopes' order. */
export function sealMessages(envelopes: readonly unknown[], key: PrivateKey): MessageSeal[] {
  return sealLeaves(envelopes.map(envelopeLeaf), key);
}

/**
 * The same seals for envelopes stored as the RFC 8785 text they are (the hub writes every envelope so,
 * schemas/envelopes.ts): their bytes are the leaves' input as they are, with no parsing and no second
 * canonicalization in the relay (that was a tenth of the hub's CPU per referral).
 */
export function sealCanonicalTexts(texts: readonly CanonicalText[], key: PrivateKey): MessageSeal[] {
  return sealLeaves(
    texts.map((text) => leafHash(Buffer.from(text, 'utf8'))),
    key,
  );
}

function sealLeaves(leaves: Buffer[], key: PrivateKey): MessageSeal[] {
  if (leaves.length === 0) return [];
  const { root, proofs } = allInclusionProofs(leaves);
  const rootHex = root.toString('hex');
  const signature = sign({ alg: key.alg, privateKey: key, data: batchSealBytes(rootHex, leaves.length) });
  return proofs.map((proof, index) => ({
    ...signature,
    root: rootHex,
    index,
    size: leaves.length,
    proof: proof.map((h) => h.toString('hex')),
  }));
}

export type SealCheck = VerifyResult | { ok: false; reason: 'proof' };

/** Whether `envelope` is the message the hub sealed: in the batch's tree, under the hub's signature. */
export function verifyMessageSeal(envelope: unknown, seal: MessageSeal, publicKey: PublicKey): SealCheck {
  const bytes = canonicalBytesOrUndefined(envelope);
  if (!bytes) return { ok: false, reason: 'malformed' };
  const leaf = leafHash(bytes);
  const hex = /^[0-9a-f]{64}$/;
  if (!hex.test(seal.root) || !Array.isArray(seal.proof) || !seal.proof.every((h) => hex.test(h))) {
    return { ok: false, reason: 'malformed' };
  }
  const included = verifyInclusion({
    index: seal.index,
    size: seal.size,
    leafHash: leaf,
    proof: seal.proof.map((h) => Buffer.from(h, 'hex')),
    root: Buffer.from(seal.root, 'hex'),
  });
  if (!included) return { ok: false, reason: 'proof' };
  const { alg, keyId, signature } = seal;
  return verify({
    signature: { alg, signature, ...(keyId === undefined ? {} : { keyId }) },
    publicKey,
    data: batchSealBytes(seal.root, seal.size),
  });
}

/** A seal as one AMQP header line: `alg=…, keyId=…, signature=…, root=…, index=…, size=…, proof=h1.h2…`. */
export function messageSealHeaderText(seal: MessageSeal): string {
  return [
    `alg=${seal.alg}`,
    ...(seal.keyId === undefined ? [] : [`keyId=${seal.keyId}`]),
    `signature=${seal.signature}`,
    `root=${seal.root}`,
    `index=${seal.index}`,
    `size=${seal.size}`,
    `proof=${seal.proof.join('.')}`,
  ].join(', ');
}

/** The seal of such a header line (fields missing or malformed fail its verification, not this). */
export function messageSealOfHeader(line: string): MessageSeal {
  const fields: Record<string, string> = {};
  for (const part of line.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) fields[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return {
    alg: fields.alg as MessageSeal['alg'],
    ...(fields.keyId === undefined ? {} : { keyId: fields.keyId }),
    signature: fields.signature ?? '',
    root: fields.root ?? '',
    index: Number(fields.index),
    size: Number(fields.size),
    proof: fields.proof ? fields.proof.split('.') : [],
  };
}
