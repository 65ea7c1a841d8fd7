import { existsSync, readFileSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfBytes, sha256, upload } from './helpers/files.js';
import { criminalTransfer } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';

/** Case files on the pages: the dashboard's referral detail (download for a party only) and the pack's counts. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let hub: TestHub;
let browser: Browser;
let base: string;
let referral = '';
const letter = pdfBytes(3 * 1024 * 1024);

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`this test needs Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  hub = await createTestHub({ env: { RATE_LIMIT_PER_SECOND: '100000' } });
  expect((await upload(hub, 'enf-a', letter)).status).toBe(201);
  const transfer = criminalTransfer();
  transfer.documents[0] = {
    type: 'transfer_letter',
    title: '涉嫌犯罪案件移送书',
    sha256: sha256(letter),
  } as never;
  referral = (await hub.request('enf-a', 'POST', '/v1/referrals', transfer)).body.id;
  await hub.app.listen({ host: '127.0.0.1', port: 0 });
  const address = hub.app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

/** The dashboard signed in with `as`'s key, the referral's detail open. */
async function detailAs(as: string) {
  const page = await browser.newPage({ acceptDownloads: true });
  await page.goto(`${base}/dashboard`);
  await page.fill('#key', hub.keys[as] ?? '');
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('#app', { state: 'visible' });
  await page.evaluate((id) => (globalThis as any).openReferral(id), referral);
  await page.waitForSelector('#files tbody tr');
  return page;
}

describe('case files on the pages', () => {
  it('lists the files on the referral detail with type, size and hash, and lets a party download one', async () => {
    const page = await detailAs('pol-a');
    const row = await page.locator('#files tbody tr').first().innerText();
    expect(row).toContain('涉嫌犯罪案件移送书');
    expect(row).toContain('application/pdf');
    expect(row).toContain('3.0 MB');
    expect(row).toContain(sha256(letter).slice(0, 16));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#files button[data-download]'),
    ]);
    const saved = await download.path();
    expect(sha256(readFileSync(saved))).toBe(sha256(letter));
    await page.close();
  });

  it('shows the coordinator what the files are, without a download', async () => {
    const page = await detailAs('coord');
    expect(await page.locator('#files tbody tr').first().innerText()).toContain('涉嫌犯罪案件移送书');
    expect(await page.locator('#files button[data-download]').count()).toBe(0);
    await page.close();
  });

  it('counts the region’s documents in the briefing pack: files with their bytes, and paper-only ones', async () => {
    const pack = await hub.app.inject({
      method: 'GET',
      url: '/v1/briefing-pack',
      headers: { authorization: `Bearer ${hub.keys.coord}` },
    });
    expect(pack.statusCode).toBe(200);
    // One file of 3 MiB and the fixture's two paper documents.
    expect(pack.body).toContain('1 份电子材料 files (3.0 MB)');
    expect(pack.body).toContain('2 份纸质材料 paper-only');
  });
});
