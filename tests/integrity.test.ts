import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserBase, CHROMIUM, launchChromium } from './helpers/browser.js';
import { criminalTransfer } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';
import { waitFor } from './helpers/wait.js';

let hub: TestHub;
beforeAll(async () => {
  // The follower looks often; the sweep only when a test runs it.
  hub = await createTestHub({ env: { INTEGRITY_FOLLOW_MS: '100', INTEGRITY_SWEEP_MS: '3600000' } });
});
afterAll(async () => {
  await hub?.close();
});

async function receiptedReferral(): Promise<string> {
  const id = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id as string;
  await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, { action: 'receipt' });
  return id;
}

/** What a superuser can do behind the hub's back: switch the trigger off, rewrite an event, switch it on. */
async function rewriteAsSuperuser(referralId: string, seq: number) {
  await sql`ALTER TABLE ledger_events DISABLE TRIGGER ledger_events_append_only`.execute(hub.db);
  await sql`UPDATE ledger_events SET payload = payload || '{"note":"改过"}'::jsonb
    WHERE referral_id = ${referralId} AND seq = ${seq}`.execute(hub.db);
  await sql`ALTER TABLE ledger_events ENABLE TRIGGER ledger_events_append_only`.execute(hub.db);
}

const metric = async (name: string) => {
  const text = (await hub.request(null, 'GET', '/metrics')).body as string;
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : undefined;
};

describe('the ledger watched, not only checkable', () => {
  it('checks each event as it is appended', async () => {
    await receiptedReferral();
    await waitFor(async () => ((await metric('hub_ledger_events_verified_total')) ?? 0) >= 2, 'the follower');
    expect((await hub.request('coord', 'GET', '/v1/integrity')).body).toMatchObject({ status: 'intact' });
  });

  it('catches an event slipped in with a broken link, without waiting for the sweep', async () => {
    const id = await receiptedReferral();
    await sql`INSERT INTO ledger_events (referral_id, seq, event, action, actor_code, occurred_at, payload, prev_hash, hash)
      VALUES (${id}, 3, 'filed', 'file', 'pol-a', now(), '{}'::jsonb, ${'f'.repeat(64)}, ${'e'.repeat(64)})`.execute(
      hub.db,
    );
    const found = await waitFor(async () => {
      const body = (await hub.request('coord', 'GET', '/v1/integrity')).body;
      const mine = body.breaks.filter((b: { referralId: string }) => b.referralId === id);
      return mine.length >= 2 ? mine : undefined;
    }, 'the break found by the follower');
    expect(found.map((b: { reason: string }) => b.reason).sort()).toEqual([
      'hash_mismatch',
      'prev_hash_mismatch',
    ]);
  });

  it('finds a rewritten old event in its sweep and raises it once: message, metric, report and banner', async () => {
    const procuratorate = await hub.inbox('proc');
    const id = await receiptedReferral();
    await rewriteAsSuperuser(id, 1);
    const sweep = await hub.workers.integrity.sweep();
    expect(sweep.checked).toBeGreaterThanOrEqual(3);
    await hub.workers.integrity.sweep(); // again: the same break is not raised twice

    const integrity = (await hub.request('coord', 'GET', '/v1/integrity')).body;
    expect(integrity.status).toBe('broken');
    expect(integrity.breaks).toContainEqual(
      expect.objectContaining({ referralId: id, seq: 1, reason: 'hash_mismatch' }),
    );
    const alerts = await waitFor(() => {
      const got = procuratorate.received.filter(
        (r) => r.envelope.type === 'ledger.integrity_broken' && r.envelope.referralId === id,
      );
      return got.length > 0 ? got : undefined;
    }, 'the procuratorate told');
    expect(alerts[0]?.envelope.payload).toMatchObject({ referralId: id, seq: 1, reason: 'hash_mismatch' });
    const pulled = (await hub.request('coord', 'GET', '/v1/inbox?limit=500')).body.messages.filter(
      (m: { type: string; referralId: string }) =>
        m.type === 'ledger.integrity_broken' && m.referralId === id,
    );
    expect(pulled).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      procuratorate.received.filter(
        (r) => r.envelope.referralId === id && r.envelope.type === 'ledger.integrity_broken',
      ),
    ).toHaveLength(1);

    expect(await metric('hub_ledger_integrity_breaks')).toBeGreaterThanOrEqual(1);
    expect(await metric('hub_ledger_sweep_progress')).toBe(1);

    const year = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));
    const report = (await hub.request('coord', 'POST', '/v1/reports/yearly', { year })).body;
    expect(report.integrity.status).toBe('broken');
    const stored = (await hub.request('coord', 'GET', `/v1/reports/yearly?year=${year}`)).body;
    expect(stored).toMatchObject({ id: report.id, integrity: { status: 'broken' } });
    const csv = (await hub.request('coord', 'GET', `/v1/reports/yearly?year=${year}&format=csv`))
      .body as string;
    expect(csv.split('\n')[0]).toMatch(
      new RegExp(`^# 警告 WARNING: ledger integrity broken .*${id}@1 hash_mismatch`),
    );
  });

  it('shows a red banner on the dashboard', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`this test needs Chromium at ${CHROMIUM}`);
    const base = await browserBase(hub);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/dashboard`);
      await page.fill('#key', hub.keys.coord ?? '');
      await page.click('#signin-form button[type=submit]');
      await page.waitForSelector('#integrity:not([hidden])');
      expect(await page.locator('#integrity').innerText()).toContain('Ledger integrity broken');
      const color = await page
        .locator('#integrity')
        .evaluate((el) => (globalThis as any).getComputedStyle(el).backgroundColor);
      expect(color).toBe('rgb(179, 38, 30)');
    } finally {
      await browser.close();
    }
  });
});
