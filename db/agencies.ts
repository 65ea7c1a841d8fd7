import { randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { sha256Hex } from '../crypto/ledger-hash.js';
import type { Agency } from '../schemas/agency.js';
import type { Db } from './connection.js';
import type { Database } from './types.js';

export async function upsertAgency(
  db: Db | Transaction<Database>,
  agency: Agency,
  amqpUser: string | null = null,
): Promise<void> {
  const row = {
    code: agency.code,
    name: agency.name,
    kind: agency.kind,
    region: agency.region,
    parent_code: agency.parent,
    delivery: agency.delivery,
  };
  // A reload of the directory keeps an agency's RabbitMQ user unless a new one is given.
  await db
    .insertInto('agencies')
    .values({ ...row, amqp_user: amqpUser })
    .onConflict((oc) =>
      oc.column('code').doUpdateSet(amqpUser === null ? row : { ...row, amqp_user: amqpUser }),
    )
    .execute();
}

/** A new API key: only its SHA-256 is stored; the key itself is returned once, to be shown once. */
export async function issueApiKey(db: Db, agencyCode: string): Promise<{ id: string; key: string }> {
  const key = `rh_${agencyCode.replaceAll('-', '_')}_${randomBytes(24).toString('base64url')}`;
  const row = await db
    .insertInto('api_keys')
    .values({
      agency_code: agencyCode,
      key_hash: sha256Hex(key),
      key_prefix: key.slice(0, 12),
      revoked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, key };
}

/** Revokes a key now: an active one, or one a rotation left working until the end of its grace period. */
export async function revokeApiKey(db: Db, keyId: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', keyId)
    .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export type ApiKeyListing = {
  id: string;
  /** The key's first characters (its `rh_<agency>_` part and what follows, as far as 12 characters go). */
  prefix: string;
  createdAt: Date;
  /** When it stopped or stops working (a rotation's grace period ends in the future); null: active. */
  revokedAt: Date | null;
};

/** An agency's API keys, oldest first (never the keys themselves: only their hashes are stored). */
export async function listApiKeys(db: Db, agencyCode: string): Promise<ApiKeyListing[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'key_prefix', 'created_at', 'revoked_at'])
    .where('agency_code', '=', agencyCode)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    prefix: r.key_prefix,
    createdAt: new Date(r.created_at as Date),
    revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at as Date),
  }));
}

/**
 * Rotation: a new key, and every active key of the agency revoked after `graceSeconds` (so that its
 * systems can switch without a gap). Returns the new key, shown once.
 */
export async function rotateApiKeys(
  db: Db,
  agencyCode: string,
  graceSeconds: number,
): Promise<{ id: string; key: string; retiring: number }> {
  return db.transaction().execute(async (trx) => {
    const retiring = await trx
      .updateTable('api_keys')
      .set({ revoked_at: sql<Date>`now() + make_interval(secs => ${graceSeconds})` })
      .where('agency_code', '=', agencyCode)
      .where((eb) =>
        eb.or([
          eb('revoked_at', 'is', null),
          eb('revoked_at', '>', sql<Date>`now() + make_interval(secs => ${graceSeconds})`),
        ]),
      )
      .executeTakeFirst();
    const issued = await issueApiKey(trx as unknown as Db, agencyCode);
    return { ...issued, retiring: Number(retiring.numUpdatedRows) };
  });
}

/** The agency a presented key belongs to, or undefined for an unknown or revoked key. */
export async function agencyForKey(db: Db, key: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .select('agency_code')
    .where('key_hash', '=', sha256Hex(key))
    .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  return row?.agency_code;
}

/** Whether the directory holds any agency (the demo seed runs on an empty one). */
export async function directoryIsEmpty(db: Db): Promise<boolean> {
  const rows = await db.selectFrom('agencies').select('code').limit(1).execute();
  return rows.length === 0;
}

/** Agency names by code (reports and printed packs show names). */
export async function agencyNames(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('agencies').select(['code', 'name']).execute();
  return new Map(rows.map((a) => [a.code, a.name]));
}

/** Maps an agency to its RabbitMQ user; false when there is no such agency. */
export async function setAmqpUser(db: Db, agencyCode: string, user: string): Promise<boolean> {
  const result = await db
    .updateTable('agencies')
    .set({ amqp_user: user })
    .where('code', '=', agencyCode)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function agencyExists(db: Db, agencyCode: string): Promise<boolean> {
  const row = await db
    .selectFrom('agencies')
    .select('code')
    .where('code', '=', agencyCode)
    .executeTakeFirst();
  return row !== undefined;
}
