import type { SignatureAlg } from '../schemas/signature.js';
import type { Db } from './connection.js';

/** A hub signing key as published (GET /v1/hub-keys): never the private half. */
export type HubPublicKey = { keyId: string; alg: SignatureAlg; publicKey: string; createdAt: string };

/**
 * The one writer of `hub_signing_keys`. A key given in the configuration is recorded without its private
 * half; a generated one is stored with it, so that every process of the hub signs with the same key. Keys
 * are kept after a change, so that old seals still verify.
 */
export async function recordHubKey(
  db: Db,
  key: { keyId: string; alg: SignatureAlg; publicKey: string; privateKey: string | null },
): Promise<void> {
  await db
    .insertInto('hub_signing_keys')
    .values({ key_id: key.keyId, alg: key.alg, public_key: key.publicKey, private_key: key.privateKey })
    .onConflict((oc) => oc.column('key_id').doNothing())
    .execute();
}

/** The stored generated key every process uses: the first one stored (two first starts agree on it). */
export async function storedHubPrivateKey(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('hub_signing_keys')
    .select('private_key')
    .where('private_key', 'is not', null)
    .orderBy('created_at')
    .orderBy('key_id')
    .limit(1)
    .executeTakeFirst();
  return row?.private_key ?? undefined;
}

export async function listHubKeys(db: Db): Promise<HubPublicKey[]> {
  const rows = await db
    .selectFrom('hub_signing_keys')
    .select(['key_id', 'alg', 'public_key', 'created_at'])
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    keyId: r.key_id,
    alg: r.alg as SignatureAlg,
    publicKey: r.public_key,
    createdAt: r.created_at.toISOString(),
  }));
}
