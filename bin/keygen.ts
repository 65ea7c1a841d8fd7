import { rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { exportPrivateKey, exportPublicKey, generateKeyPair } from '../crypto/keys.js';
import type { SignatureAlg } from '../schemas/signature.js';

export type WrittenKeyPair = { alg: SignatureAlg; keyId: string; privatePath: string; publicPath: string };

/**
 * `hub keygen`: an agency's signing key pair as `<prefix>.key` (PKCS#8 PEM, readable by its owner only)
 * and `<prefix>.pub` (SPKI PEM, what it registers with the hub). Without a prefix the files are named
 * after the algorithm and the key id, so a second run never lands on the first one's files.
 */
export async function writeKeyPair(
  alg: SignatureAlg,
  prefix?: string,
  folder = '.',
): Promise<WrittenKeyPair> {
  const key = generateKeyPair(alg);
  const { keyId } = key.publicKey;
  const base = resolve(folder, prefix ?? `${alg}-${keyId}`);
  const privatePath = `${base}.key`;
  const publicPath = `${base}.pub`;
  // 'wx' refuses to overwrite a key that may already be registered; the mode applies as the file is made.
  await writeFile(privatePath, exportPrivateKey(key), { mode: 0o600, flag: 'wx' });
  try {
    await writeFile(publicPath, exportPublicKey(key.publicKey), { mode: 0o644, flag: 'wx' });
  } catch (error) {
    await rm(privatePath);
    throw error;
  }
  return { alg, keyId, privatePath, publicPath };
}
