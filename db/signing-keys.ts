import type { RegisteredKey } from '../crypto/command-signature.js';
import { exportPublicKey, importPublicKey } from '../crypto/keys.js';
import type { RegisteredKeyRecord, SignatureAlg, SignatureMode } from '../schemas/signature.js';
import type { Db } from './connection.js';
import type { AgencySigningKeysTable } from './types.js';

/**
 * The one writer of `agency_signing_keys` (issue 15): an agency's public keys with their validity, kept
 * forever (a trigger refuses DELETE and any change but the one revocation), so that a signature can be
 * checked against the key as it stood when it was made.
 */
export async function addSigningKey(
  db: Db,
  input: { agency: string; publicKeyPem: string; validFrom: Date; validUntil: Date | null },
): Promise<RegisteredKeyRecord> {
  const key = importPublicKey(input.publicKeyPem);
  const row = await db
    .insertInto('agency_signing_keys')
    .values({
      key_id: key.keyId,
      agency_code: input.agency,
      alg: key.alg,
      // Stored as the hub re-encodes it: one key, one text, one id.
      public_key: exportPublicKey(key),
      valid_from: input.validFrom,
      valid_until: input.validUntil,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return recordOf(row);
}

/** Every key of an agency (or of all agencies), revoked and expired ones too, oldest first. */
export async function listSigningKeys(db: Db, agency?: string): Promise<RegisteredKeyRecord[]> {
  let query = db.selectFrom('agency_signing_keys').selectAll().orderBy('valid_from').orderBy('key_id');
  if (agency !== undefined) query = query.where('agency_code', '=', agency);
  return (await query.execute()).map(recordOf);
}

/** Revokes a key from `at` on (signatures made before stay valid); false if unknown or already revoked. */
export async function revokeSigningKey(
  db: Db,
  keyId: string,
  at: Date,
  reason: string | null,
): Promise<boolean> {
  const result = await db
    .updateTable('agency_signing_keys')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('key_id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

type KeyRow = {
  [K in keyof AgencySigningKeysTable]: K extends 'added_at' ? Date : AgencySigningKeysTable[K];
};

function recordOf(row: KeyRow): RegisteredKeyRecord {
  return {
    keyId: row.key_id,
    agency: row.agency_code,
    alg: row.alg as SignatureAlg,
    publicKey: row.public_key,
    validFrom: row.valid_from.toISOString(),
    validUntil: row.valid_until?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** What the command path consults: keys by id and the regions that require signatures. */
export type KeyView = { key(keyId: string): RegisteredKey | undefined; requires(region: string): boolean };

/**
 * The registered keys and the regions' signature setting, cached like the region policy (db/region-policy.ts)
 * so that a signed command costs no round trip. A key id not in the cache reloads it once (a key just
 * added is usable at once); a revocation takes effect within `maxAgeMs`.
 */
export class KeyRegistry {
  private keys = new Map<string, RegisteredKey>();
  private required = new Set<string>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly maxAgeMs = 10_000,
  ) {}

  /** A snapshot that knows every key id in `keyIds` the database knows. */
  async view(keyIds: readonly string[] = []): Promise<KeyView> {
    const fresh = this.viewIfFresh(keyIds);
    if (fresh) return fresh;
    await this.reload();
    return this.snapshot();
  }

  /** The view at once, when it needs no load (fresh, and every key named is known); else undefined. */
  viewIfFresh(keyIds: readonly string[] = []): KeyView | undefined {
    const stale = Date.now() - this.loadedAt > this.maxAgeMs || keyIds.some((id) => !this.keys.has(id));
    return stale ? undefined : this.snapshot();
  }

  private snapshot(): KeyView {
    const keys = this.keys;
    const required = this.required;
    return { key: (id) => keys.get(id), requires: (region) => required.has(region) };
  }

  invalidate(): void {
    this.loadedAt = 0;
  }

  private reload(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    const [rows, settings] = await Promise.all([
      this.db.selectFrom('agency_signing_keys').selectAll().execute(),
      this.db.selectFrom('region_settings').select(['region', 'signatures']).execute(),
    ]);
    const keys = new Map<string, RegisteredKey>();
    for (const row of rows) {
      // An imported key is reused across reloads: its SM2 window table is built once.
      const known = this.keys.get(row.key_id);
      const record = recordOf(row);
      keys.set(row.key_id, { record, publicKey: known?.publicKey ?? importPublicKey(record.publicKey) });
    }
    this.keys = keys;
    this.required = new Set(settings.filter((s) => s.signatures === 'required').map((s) => s.region));
    this.loadedAt = Date.now();
  }
}

/** A region's signature setting (`hub region signatures`, tests). */
export async function setSignatureMode(db: Db, region: string, mode: SignatureMode): Promise<void> {
  await db
    .insertInto('region_settings')
    .values({ region, justice_copy: false, signatures: mode })
    .onConflict((oc) => oc.column('region').doUpdateSet({ signatures: mode, updated_at: new Date() }))
    .execute();
}
