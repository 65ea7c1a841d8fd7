import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { SignatureAlg } from '../schemas/signature.js';
import { DerError, encodeTlv, pemDecode, pemEncode, readChildren, readOnly, TAG, type Tlv } from './der.js';
import { isSm2PrivateKey, SM2_P256, type Sm2Point } from './sm2.js';

/**
 * Key files as every tool writes them: public keys as SPKI (RFC 5280 §4.1.2.7), private keys as PKCS#8
 * (RFC 5958), PEM-armoured. SM2 keys are id-ecPublicKey on the curve 1.2.156.10197.1.301 (GM/T 0006-2012,
 * as OpenSSL and GmSSL write them); Ed25519 keys are RFC 8410's and left to Node.
 */
export type Sm2PublicKey = { alg: 'sm2'; keyId: string; spki: Buffer; point: Sm2Point };
export type Ed25519PublicKey = { alg: 'ed25519'; keyId: string; spki: Buffer; keyObject: KeyObject };
export type PublicKey = Sm2PublicKey | Ed25519PublicKey;
export type PrivateKey =
  | { alg: 'sm2'; publicKey: Sm2PublicKey; d: bigint }
  | { alg: 'ed25519'; publicKey: Ed25519PublicKey; keyObject: KeyObject };

const OID = {
  ecPublicKey: Buffer.from('2a8648ce3d0201', 'hex'), // 1.2.840.10045.2.1, RFC 5480
  sm2: Buffer.from('2a811ccf5501822d', 'hex'), // 1.2.156.10197.1.301, GM/T 0006-2012
  ed25519: Buffer.from('2b6570', 'hex'), // 1.3.101.112, RFC 8410
};
const SM2_ALGORITHM = encodeTlv(
  TAG.sequence,
  encodeTlv(TAG.oid, OID.ecPublicKey),
  encodeTlv(TAG.oid, OID.sm2),
);

/**
 * The key id: the first 16 bytes of SHA-256 over the SPKI DER, base64url without padding (22 characters).
 * SM2 SPKI is re-encoded with the uncompressed point first, so one key has one id however it was written.
 */
export function keyIdOf(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest().subarray(0, 16).toString('base64url');
}

function isOid(tlv: Tlv | undefined, oid: Buffer): boolean {
  return tlv?.tag === TAG.oid && tlv.value.equals(oid);
}

function algorithmOf(algorithm: Tlv | undefined): SignatureAlg {
  const [oid, parameters, ...rest] = algorithm?.tag === TAG.sequence ? readChildren(algorithm.value) : [];
  if (isOid(oid, OID.ed25519) && !parameters) return 'ed25519';
  if (isOid(oid, OID.ecPublicKey) && isOid(parameters, OID.sm2) && rest.length === 0) return 'sm2';
  throw new DerError('the key is neither SM2 (id-ecPublicKey on the SM2 curve) nor Ed25519');
}

export function sm2PublicKey(point: Sm2Point): Sm2PublicKey {
  point.assertValidity();
  const bits = Buffer.concat([Buffer.from([0]), point.toBytes(false)]);
  const spki = encodeTlv(TAG.sequence, SM2_ALGORITHM, encodeTlv(TAG.bitString, bits));
  return { alg: 'sm2', keyId: keyIdOf(spki), spki, point };
}

function ed25519PublicKey(keyObject: KeyObject): Ed25519PublicKey {
  const spki = keyObject.export({ format: 'der', type: 'spki' });
  return { alg: 'ed25519', keyId: keyIdOf(spki), spki, keyObject };
}

function sm2PointOf(bits: Tlv | undefined): Sm2Point {
  if (bits?.tag !== TAG.bitString || bits.value[0] !== 0) throw new DerError('public key bits');
  try {
    return SM2_P256.Point.fromBytes(bits.value.subarray(1));
  } catch {
    throw new DerError('the public key is not a point on the SM2 curve');
  }
}

export function importPublicKey(pem: string): PublicKey {
  const der = pemDecode(pem, 'PUBLIC KEY');
  const [algorithm, bits, ...rest] = readChildren(readOnly(der, TAG.sequence, 'SubjectPublicKeyInfo').value);
  if (rest.length > 0) throw new DerError('SubjectPublicKeyInfo');
  // A registered key verifies many signatures: a 4-bit window table (about 100 kB, built on first use in
  // some 20 ms) makes each SM2 verification two to three times faster.
  if (algorithmOf(algorithm) === 'sm2') return sm2PublicKey(sm2PointOf(bits).precompute(4));
  return ed25519PublicKey(createPublicKey({ key: der, format: 'der', type: 'spki' }));
}

export function importPrivateKey(pem: string): PrivateKey {
  const der = pemDecode(pem, 'PRIVATE KEY');
  const [version, algorithm, privateKey] = readChildren(readOnly(der, TAG.sequence, 'PrivateKeyInfo').value);
  if (version?.tag !== TAG.integer || privateKey?.tag !== TAG.octetString)
    throw new DerError('PrivateKeyInfo');
  if (algorithmOf(algorithm) === 'sm2') return sm2PrivateKey(privateKey.value);
  const keyObject = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return { alg: 'ed25519', publicKey: ed25519PublicKey(createPublicKey(keyObject)), keyObject };
}

/** RFC 5915 ECPrivateKey { version 1, privateKey OCTET STRING, [0] parameters?, [1] publicKey? }. */
function sm2PrivateKey(ecPrivateKey: Buffer): PrivateKey {
  const [version, secret, ...optional] = readChildren(
    readOnly(ecPrivateKey, TAG.sequence, 'ECPrivateKey').value,
  );
  if (version?.tag !== TAG.integer || !version.value.equals(Buffer.from([1]))) throw new DerError('version');
  if (secret?.tag !== TAG.octetString || secret.value.length > 32) throw new DerError('private key octets');
  const d = BigInt(`0x${secret.value.toString('hex') || '0'}`);
  if (!isSm2PrivateKey(d)) throw new DerError('the private key is out of range [1, n-2]');
  const publicKey = sm2PublicKey(SM2_P256.Point.BASE.multiply(d));
  for (const field of optional) {
    const [inner] = readChildren(field.value);
    if (field.tag === TAG.context0 && isOid(inner, OID.sm2)) continue;
    if (field.tag === TAG.context1 && sm2PointOf(inner).equals(publicKey.point)) continue;
    throw new DerError('the key file names another curve or a public key that is not its own');
  }
  return { alg: 'sm2', publicKey, d };
}

export function exportPublicKey(key: PublicKey): string {
  return pemEncode(key.spki, 'PUBLIC KEY');
}

/** SM2 in OpenSSL's own layout: PKCS#8 v0 around ECPrivateKey with the public key and no parameters. */
export function exportPrivateKey(key: PrivateKey): string {
  if (key.alg === 'ed25519') return key.keyObject.export({ format: 'pem', type: 'pkcs8' }).toString();
  const d = Buffer.from(key.d.toString(16).padStart(64, '0'), 'hex');
  const point = key.publicKey.point.toBytes(false);
  const ecPrivateKey = encodeTlv(
    TAG.sequence,
    encodeTlv(TAG.integer, Buffer.from([1])),
    encodeTlv(TAG.octetString, d),
    encodeTlv(TAG.context1, encodeTlv(TAG.bitString, Buffer.from([0]), point)),
  );
  const pkcs8 = encodeTlv(
    TAG.sequence,
    encodeTlv(TAG.integer, Buffer.from([0])),
    SM2_ALGORITHM,
    encodeTlv(TAG.octetString, ecPrivateKey),
  );
  return pemEncode(pkcs8, 'PRIVATE KEY');
}

export function generateKeyPair<A extends SignatureAlg>(alg: A): Extract<PrivateKey, { alg: A }>;
export function generateKeyPair(alg: SignatureAlg): PrivateKey {
  if (alg === 'ed25519') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return { alg, publicKey: ed25519PublicKey(publicKey), keyObject: privateKey };
  }
  // GB/T 32918.1 §6.1: d uniformly from [1, n−2], by rejection from the operating system's CSPRNG.
  for (;;) {
    const d = BigInt(`0x${randomBytes(32).toString('hex')}`);
    if (isSm2PrivateKey(d)) return { alg, publicKey: sm2PublicKey(SM2_P256.Point.BASE.multiply(d)), d };
  }
}
