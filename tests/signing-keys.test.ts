import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exportPublicKey, generateKeyPair } from '../crypto/keys.js';
import { upsertAgency } from '../db/agencies.js';
import { createDb, type Db } from '../db/connection.js';
import {
  addSigningKey,
  KeyRegistry,
  listSigningKeys,
  revokeSigningKey,
  setSignatureMode,
} from '../db/signing-keys.js';
import { keyStandingAt } from '../schemas/signature.js';
import { REGION, TEST_AGENCIES } from './helpers/fixtures.js';
import { adminQuery, withDatabase } from './setup/services.js';

const services = inject('services');
const name = `hub_test_keys_${randomBytes(4).toString('hex')}`;
const url = withDatabase(services.databaseUrl, name);
const dir = mkdtempSync(join(tmpdir(), 'hub-keys-'));
let db: Db;

beforeAll(async () => {
  await adminQuery(services.databaseUrl, `CREATE DATABASE ${name} TEMPLATE ${services.templateDb}`);
  db = createDb(url, 2);
  for (const agency of TEST_AGENCIES.filter((a) => !a.parent)) await upsertAgency(db, agency);
});
afterAll(async () => {
  await db?.destroy();
  await adminQuery(services.databaseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  rmSync(dir, { recursive: true, force: true });
});

function hub(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bin/hub.ts', ...args], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
  });
}

describe('the registry of agencies’ public keys', () => {
  it('registers a key under the id computed from its SPKI, with its validity period', async () => {
    const key = generateKeyPair('sm2');
    const added = await addSigningKey(db, {
      agency: 'enf-a',
      publicKeyPem: exportPublicKey(key.publicKey),
      validFrom: new Date('2026-01-01T00:00:00Z'),
      validUntil: new Date('2028-01-01T00:00:00Z'),
    });
    expect(added).toMatchObject({ keyId: key.publicKey.keyId, agency: 'enf-a', alg: 'sm2', revokedAt: null });
    expect(keyStandingAt(added, new Date('2025-12-31T23:59:59Z'))).toBe('not_yet_valid');
    expect(keyStandingAt(added, new Date('2027-06-01T00:00:00Z'))).toBe('valid');
    expect(keyStandingAt(added, new Date('2028-01-01T00:00:00Z'))).toBe('expired');
  });

  it('keeps a revoked key, valid before its revocation and revoked from then on', async () => {
    const key = generateKeyPair('ed25519');
    await addSigningKey(db, {
      agency: 'pol-a',
      publicKeyPem: exportPublicKey(key.publicKey),
      validFrom: new Date('2026-01-01T00:00:00Z'),
      validUntil: null,
    });
    const at = new Date('2026-06-01T00:00:00Z');
    expect(await revokeSigningKey(db, key.publicKey.keyId, at, 'lost laptop')).toBe(true);
    expect(await revokeSigningKey(db, key.publicKey.keyId, new Date(), null)).toBe(false);
    const [kept] = await listSigningKeys(db, 'pol-a');
    expect(kept).toMatchObject({ keyId: key.publicKey.keyId, revokedAt: at.toISOString() });
    expect(keyStandingAt(kept!, new Date('2026-05-31T00:00:00Z'))).toBe('valid');
    expect(keyStandingAt(kept!, at)).toBe('revoked');
  });

  it('refuses to delete a key or to change it other than by revoking it', async () => {
    const key = generateKeyPair('ed25519');
    const id = key.publicKey.keyId;
    await addSigningKey(db, {
      agency: 'proc',
      publicKeyPem: exportPublicKey(key.publicKey),
      validFrom: new Date(),
      validUntil: null,
    });
    await expect(sql`DELETE FROM agency_signing_keys WHERE key_id = ${id}`.execute(db)).rejects.toThrow(
      /never delete/,
    );
    await expect(
      sql`UPDATE agency_signing_keys SET agency_code = 'enf-a' WHERE key_id = ${id}`.execute(db),
    ).rejects.toThrow(/only once/);
    await revokeSigningKey(db, id, new Date(), null);
    await expect(
      sql`UPDATE agency_signing_keys SET revoked_at = NULL WHERE key_id = ${id}`.execute(db),
    ).rejects.toThrow(/only once/);
  });

  it('caches keys and the regions that require signatures, and finds a key added since at once', async () => {
    const registry = new KeyRegistry(db, 60_000);
    await setSignatureMode(db, REGION, 'required');
    const before = await registry.view();
    expect(before.requires(REGION)).toBe(true);
    const key = generateKeyPair('sm2');
    await addSigningKey(db, {
      agency: 'enf-b',
      publicKeyPem: exportPublicKey(key.publicKey),
      validFrom: new Date(),
      validUntil: null,
    });
    expect(before.key(key.publicKey.keyId)).toBeUndefined();
    const after = await registry.view([key.publicKey.keyId]);
    expect(after.key(key.publicKey.keyId)?.record.agency).toBe('enf-b');
    await setSignatureMode(db, REGION, 'optional');
    registry.invalidate();
    expect((await registry.view()).requires(REGION)).toBe(false);
  });

  it('adds, lists and revokes keys from the command line', () => {
    const key = generateKeyPair('sm2');
    const file = join(dir, 'agency.pub');
    writeFileSync(file, exportPublicKey(key.publicKey));
    const added = hub('agency', 'key', 'add', 'enf-b', file, '--from', '2026-01-01T00:00:00+08:00');
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain(`key id ${key.publicKey.keyId} (sm2) registered for enf-b`);
    expect(hub('agency', 'key', 'add', 'enf-b', file).stderr).toContain('already registered');
    const revoked = hub('agency', 'key', 'revoke', key.publicKey.keyId, '--reason', 'rotated');
    expect({ status: revoked.status, stderr: revoked.stderr }).toEqual({ status: 0, stderr: '' });
    const listed = hub('agency', 'key', 'list', 'enf-b');
    const line = listed.stdout.split('\n').find((l) => l.startsWith(key.publicKey.keyId));
    expect(line).toContain('2025-12-31T16:00:00.000Z');
    expect(line).toMatch(/revoked \S+ {2}revoked$/);
    const other = join(dir, 'other.pub');
    writeFileSync(other, exportPublicKey(generateKeyPair('ed25519').publicKey));
    expect(hub('agency', 'key', 'add', 'nobody', other).stderr).toContain('no such agency');
  });
});
