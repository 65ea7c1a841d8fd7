import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../crypto/ledger-hash.js';
import { rotateApiKeys } from '../../db/agencies.js';
import { runHubCli } from '../helpers/hub-cli.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub();
});
afterAll(async () => {
  await hub?.close();
});

const inbox = (key: string) =>
  hub.app.inject({ method: 'GET', url: '/v1/inbox', headers: { authorization: `Bearer ${key}` } });

describe('API keys', () => {
  it('stores only the hash of a key and shows the key once', async () => {
    const rows = await hub.db.selectFrom('api_keys').selectAll().where('agency_code', '=', 'enf-a').execute();
    const key = hub.keys['enf-a'] ?? '';
    expect(rows.map((r) => r.key_hash)).toContain(sha256Hex(key));
    expect(JSON.stringify(rows)).not.toContain(key);
  });

  it('rotates: the new key works at once, the old one until the grace period ends', async () => {
    const old = hub.keys['enf-b'] ?? '';
    const withGrace = await rotateApiKeys(hub.db, 'enf-b', 3600);
    expect(withGrace.retiring).toBe(1);
    expect((await inbox(withGrace.key)).statusCode).toBe(200);
    expect((await inbox(old)).statusCode).toBe(200);
    const now = await rotateApiKeys(hub.db, 'enf-b', 0);
    expect(now.retiring).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 5100)); // the gateway caches a verdict for 5 s
    expect((await inbox(old)).statusCode).toBe(401);
    expect((await inbox(withGrace.key)).statusCode).toBe(401);
    expect((await inbox(now.key)).statusCode).toBe(200);
  }, 20_000);

  it('rotates from the command line, printing the new key once', async () => {
    const run = await runHubCli(hub, 'key', 'rotate', 'coord', '--grace', '0');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^rh_coord_\S+$/m);
  });

  it("lists an agency's keys: active, retiring and revoked, without the keys themselves", async () => {
    // The fixture's key and the first rotation's are revoked at once, the next retires in an hour, the last two work.
    await rotateApiKeys(hub.db, 'pol-b', 0);
    const next = await rotateApiKeys(hub.db, 'pol-b', 0);
    const last = await rotateApiKeys(hub.db, 'pol-b', 3600);
    const issued = (await runHubCli(hub, 'key', 'issue', 'pol-b')).stdout.match(/^key id (\S+)/m)?.[1];
    const run = await runHubCli(hub, 'key', 'list', 'pol-b');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const lineOf = (id: string) => lines.find((l) => l.startsWith(id)) ?? '';
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/ revoked \d{4}-\S+$/);
    expect(lines[1]).toMatch(/ revoked \d{4}-\S+$/);
    expect(lineOf(next.id)).toMatch(/ retiring \d{4}-\S+$/);
    expect(lineOf(last.id)).toMatch(/ active$/);
    expect(lineOf(issued ?? 'none')).toMatch(/^\S+ {2}rh_pol_b_\S*… {2}issued \d{4}-\S+ {2}active$/);
    expect(run.stdout).not.toContain(last.key);
    // A retiring key (a leaked old one, say) can be revoked at once; before, revoke said it was not active.
    const revoked = await runHubCli(hub, 'key', 'revoke', next.id);
    expect([revoked.status, revoked.stdout.trim()]).toEqual([0, 'revoked']);
    const after = await runHubCli(hub, 'key', 'list', 'pol-b');
    expect(after.stdout.split('\n').find((l) => l.startsWith(next.id))).toMatch(/ revoked \d{4}-\S+$/);
    const again = await runHubCli(hub, 'key', 'revoke', next.id);
    expect([again.status, again.stdout.trim()]).toEqual([1, 'no such active key']);
    const unknown = await runHubCli(hub, 'key', 'list', 'no-such-agency');
    expect([unknown.status, unknown.stderr.trim()]).toEqual([2, 'no agency no-such-agency']);
  });
});

describe('agency RabbitMQ users', () => {
  it('may neither publish to the hub exchange nor declare a queue', async () => {
    const connection = await hub.agencyConnection('pol-a');
    const publishing = await connection.createConfirmChannel();
    const refused = new Promise<Error>((resolve) => publishing.on('error', resolve));
    publishing.publish(`${hub.prefix}hub`, 'pol-b', Buffer.from('{}'), {
      userId: hub.amqpUsers['pol-a']?.user,
    });
    expect((await refused).message).toMatch(/ACCESS_REFUSED/);
    const declaring = await connection.createChannel();
    const denied = new Promise<Error>((resolve) => declaring.on('error', resolve));
    await declaring.assertQueue(`${hub.prefix}sneaky`).catch(() => {});
    expect((await denied).message).toMatch(/ACCESS_REFUSED/);
  });
});
