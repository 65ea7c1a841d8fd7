import { existsSync, mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserBase, CHROMIUM, launchChromium } from './helpers/browser.js';
import { DEADLINES_BY_HAND, HOUR, handClock } from './helpers/clock.js';
import { criminalTransfer, reverseTransfer } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';

const time = handClock('2026-11-23T01:00:00Z');

let hub: TestHub;
let browser: Browser;
let base: string;
const ids = { overdue: '', other: '' };

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`the dashboard test needs Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  hub = await createTestHub({ clock: time.clock, env: DEADLINES_BY_HAND });
  ids.overdue = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer({}, time.now))).body.id;
  ids.other = (
    await hub.request('enf-b', 'POST', '/v1/referrals', criminalTransfer({ recipient: 'pol-b' }, time.now))
  ).body.id;
  // Another kind in the same year: the chart counts it, the criminal-transfer KPI does not.
  await hub.request('pol-a', 'POST', '/v1/referrals', reverseTransfer);
  time.advance(20 * HOUR);
  await hub.request('pol-b', 'POST', `/v1/referrals/${ids.other}/actions`, { action: 'receipt' });
  time.advance(10 * HOUR);
  await hub.workers.deadlines.tick();
  base = await browserBase(hub);
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

describe('the coordinator dashboard in a browser', () => {
  it('signs in, shows the backlog with the overdue duty highlighted, filters, and opens a referral timeline', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
    await page.goto(`${base}/dashboard`);
    await page.fill('#key', hub.keys.coord ?? '');
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#backlog tbody tr[data-referral]');
    const overdueRow = page.locator(`#backlog tbody tr.overdue[data-referral="${ids.overdue}"]`);
    await expect.poll(() => overdueRow.count()).toBe(1);
    expect(await overdueRow.innerText()).toContain('接受移送并回执');
    const background = await overdueRow
      .locator('td')
      .first()
      .evaluate((td) => (globalThis as any).getComputedStyle(td).backgroundColor);
    expect(background).toBe('rgb(253, 236, 234)');
    // Issue 14: the transfer KPI names its kind; the all-kinds KPI equals the chart's 提交 bars summed.
    expect(await page.locator('#kpi-transfers').innerText()).toMatch(/^2\s+本年涉嫌犯罪案件移送/);
    expect(await page.locator('#kpi-all').innerText()).toMatch(/^3\s+本年全部类型提交/);
    const bars = await page
      .locator('#chart rect title')
      .evaluateAll((titles) => titles.map((t) => t.textContent ?? ''));
    const submitted = bars
      .filter((t) => / submitted: /.test(t))
      .reduce((n, t) => n + Number(t.split(': ')[1]), 0);
    expect(submitted).toBe(3);
    expect(await page.locator('h2', { hasText: 'Monthly flows' }).innerText()).toContain('全部类型');

    const before = await page.locator('#backlog tbody tr[data-referral]').count();
    await page.selectOption('select[name=agency]', 'pol-b');
    await page.click('#filters button[type=submit]');
    await expect
      .poll(() => page.locator(`#backlog tbody tr[data-referral="${ids.overdue}"]`).count())
      .toBe(0);
    const after = await page.locator('#backlog tbody tr[data-referral]').count();
    expect(after).toBeLessThan(before);
    expect(await page.locator(`#backlog tbody tr[data-referral="${ids.other}"]`).count()).toBe(1);

    await page.selectOption('select[name=agency]', '');
    await page.click('#filters button[type=submit]');
    await page.locator(`#backlog tbody tr[data-referral="${ids.overdue}"]`).click();
    await page.waitForSelector('#timeline li');
    const timeline = await page.locator('#timeline').innerText();
    expect(timeline).toContain('移送');
    expect(timeline).toContain('期限逾期');
    expect(await page.locator('#chain').innerText()).toContain('chain verified');
    expect(await page.locator('#duties').innerText()).toContain('逾期');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/dashboard.png', fullPage: true });
    await page.close();
  });

  it('refuses a wrong key with a message and keeps the data hidden', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/dashboard`);
    await page.fill('#key', 'rh_wrong');
    await page.click('#signin-form button[type=submit]');
    await expect.poll(() => page.locator('#signin-error').innerText()).toContain('Invalid key');
    expect(await page.locator('#app').isHidden()).toBe(true);
    await page.close();
  });
});
