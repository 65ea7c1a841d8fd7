import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkFiles } from '../db/files.js';
import { fileDownloadPath } from '../schemas/files.js';
import { listen, MiB } from './helpers/files.js';
import { criminalTransfer } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';

let hub: TestHub;
const SIZE = 100 * MiB;

beforeAll(async () => {
  hub = await createTestHub();
});
afterAll(async () => {
  await hub?.close();
});

/**
 * Runs the agency client (tests/helpers/file-client.ts) in a process of its own while sampling this
 * process's RSS every 20 ms: how far above its level at the start the hub went.
 */
async function withClient(args: string[]): Promise<{ answer: Record<string, any>; grownMiB: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/file-client.ts', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (data) => {
      out += data;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    return { answer: JSON.parse(out), grownMiB: (Math.max(peak, process.memoryUsage().rss) - before) / MiB };
  } finally {
    clearInterval(timer);
  }
}

describe('a 100 MB file', () => {
  it('goes up and comes down over HTTP while the hub process grows by less than 64 MB', {
    timeout: 240_000,
  }, async () => {
    const { host, port } = await listen(hub);
    const base = `http://${host}:${port}`;
    const referral = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;

    const up = await withClient(['upload', `${base}/v1/files`, hub.keys['enf-a']!, String(SIZE)]);
    expect(up.answer).toEqual({
      status: 201,
      body: { sha256: up.answer.sent, size: SIZE, mediaType: 'application/pdf' },
      sent: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const hash = up.answer.body.sha256 as string;
    await linkFiles(hub.db, referral, [hash]);

    const down = await withClient([
      'download',
      `${base}${fileDownloadPath(referral, hash)}`,
      hub.keys['pol-a']!,
    ]);
    expect(down.answer).toEqual({ status: 200, length: String(SIZE), received: SIZE, sha256: hash });

    console.log(
      `hub RSS growth at peak: upload ${up.grownMiB.toFixed(1)} MiB, download ${down.grownMiB.toFixed(1)} MiB`,
    );
    expect(up.grownMiB).toBeLessThan(64);
    expect(down.grownMiB).toBeLessThan(64);
  });
});
