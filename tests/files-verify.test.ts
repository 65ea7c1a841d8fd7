import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiB, pdfBytes, sha256, upload } from './helpers/files.js';
import { runHubCli } from './helpers/hub-cli.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';

let hub: TestHub;
const big = pdfBytes(2 * MiB + 500);
const small = Buffer.from('扣押物品清单\n');

beforeAll(async () => {
  hub = await createTestHub();
  expect((await upload(hub, 'enf-a', big)).status).toBe(201);
  expect((await upload(hub, 'enf-a', small)).status).toBe(201);
});
afterAll(async () => {
  await hub?.close();
});

/** `hub files verify` against this test's database, as an operator runs it. */
const verify = () => runHubCli(hub, 'files', 'verify');

describe('hub files verify', () => {
  it('re-hashes every stored file with progress on stderr and says that all match', async () => {
    const run = await verify();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`verified 2 files (${((big.length + small.length) / MiB).toFixed(1)} MiB)`);
    expect(run.stdout).toContain('every file matches its SHA-256');
    // Not a terminal here: plain progress lines, the last at 100 %.
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^100% 2\/2 files/);
  });

  it('exits 1 and lists the file whose chunk was altered in SQL, and only that one', async () => {
    // The trigger refuses any UPDATE; someone with the rights to disable it is who this check is for.
    await sql`
      BEGIN;
      ALTER TABLE file_chunks DISABLE TRIGGER file_chunks_immutable;
      UPDATE file_chunks SET data = overlay(data PLACING '\\x00ff'::bytea FROM 100)
        WHERE blob_id = (SELECT blob_id FROM files WHERE sha256 = ${sql.lit(sha256(big))}) AND n = 1;
      ALTER TABLE file_chunks ENABLE TRIGGER file_chunks_immutable;
      COMMIT;`.execute(hub.db);
    const run = await verify();
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('1 file(s) no longer match:');
    expect(run.stdout).toContain(`  ${sha256(big)}  stored ${big.length} bytes`);
    expect(run.stdout).not.toContain(sha256(small));
  });
});
