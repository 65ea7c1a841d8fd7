import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryRecord } from '../db/outbox.js';
import { loadRegion } from '../db/region-file.js';
import { commandEnvelope } from './helpers/commands.js';
import { criminalTransfer, REGION } from './helpers/fixtures.js';
import { runHubCli } from './helpers/hub-cli.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';
import { waitFor } from './helpers/wait.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub();
});
afterAll(async () => {
  await hub?.close();
});

describe('case briefings (案情通报)', () => {
  it('delivers a standalone briefing to each recipient and lists it for sender and recipients', async () => {
    const procuratorate = await hub.consumeInbox('proc');
    const sent = await hub.request('enf-a', 'POST', '/v1/briefings', {
      recipients: ['proc', 'coord', 'enf-a'],
      subject: '第三季度执法情况通报',
      body: '本季度查处案件 12 件，移送 3 件。',
    });
    expect(sent.status).toBe(201);
    expect(sent.body.recipients).toEqual(['proc', 'coord']);
    const delivered = await waitFor(
      () => procuratorate.received.find((r) => r.envelope.payload.briefingId === sent.body.id),
      'the briefing over AMQP',
    );
    expect(delivered.envelope).toMatchObject({ type: 'briefing.sent', sender: 'enf-a', referralId: null });
    const inbox = await hub.request('coord', 'GET', '/v1/inbox');
    expect(inbox.body.messages.map((m: { type: string }) => m.type)).toContain('briefing.sent');
    const listed = await hub.request('coord', 'GET', '/v1/briefings');
    expect(listed.body.briefings.map((b: { id: string }) => b.id)).toContain(sent.body.id);
    const outsider = await hub.request('enf-b', 'GET', '/v1/briefings');
    expect(outsider.body.briefings.map((b: { id: string }) => b.id)).not.toContain(sent.body.id);
    await procuratorate.close();
  });

  it('records a briefing about a referral on its chain without changing its state', async () => {
    const referral = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    const id = referral.body.id;
    const briefed = await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, {
      action: 'brief',
      recipients: ['coord'],
      subject: '案件进展通报',
      body: '已开展初查。',
    });
    expect(briefed.status).toBe(200);
    expect(briefed.body.state).toBe('submitted');
    const view = await hub.request('enf-a', 'GET', `/v1/referrals/${id}`);
    expect(view.body.ledger.map((e: { event: string }) => e.event)).toEqual(['submitted', 'briefed']);
    const row = await hub.db
      .selectFrom('briefings')
      .selectAll()
      .where('referral_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.recipient_codes).toEqual(['coord']);
    expect((await hub.request('enf-a', 'GET', `/v1/referrals/${id}/verify`)).body.valid).toBe(true);
  });

  it('takes a briefing sent as an AMQP command, and refuses one to an unknown agency', async () => {
    const good = commandEnvelope('pol-a', 'command.brief', {
      recipients: ['enf-b'],
      subject: '线索通报',
      body: '请关注。',
    });
    await hub.sendCommand('pol-a', good);
    await waitFor(
      () =>
        hub.db
          .selectFrom('briefings')
          .selectAll()
          .where('sender_code', '=', 'pol-a')
          .where('subject', '=', '线索通报')
          .executeTakeFirst(),
      'the briefing',
    );
    const bad = await hub.request('pol-a', 'POST', '/v1/briefings', {
      recipients: ['nobody'],
      subject: 's',
      body: 'b',
    });
    expect([bad.status, bad.body.code]).toEqual([422, 'RECIPIENT_INVALID']);
  });
});

describe('regions', () => {
  it('copies transfers to the justice bureau once the region asks for it', async () => {
    const before = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    expect(before.body.copies).toEqual([]);
    const loaded = await loadRegion(hub.db, {
      region: REGION,
      justiceCopy: true,
      agencies: [{ code: 'just', name: '测试司法局', kind: 'justice_bureau', region: REGION }],
    });
    expect(loaded).toEqual({ ok: true, agencies: 1 });
    hub.policy.invalidate();
    const after = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    expect(after.body.copies).toEqual(['just']);
    const notices = await deliveryRecord(hub.db, { referralId: after.body.id });
    expect(notices.map((n) => n.recipient).sort()).toEqual(['just', 'pol-a', 'proc']);
    const seen = await hub.request('just', 'GET', `/v1/referrals/${after.body.id}`);
    expect(seen.body.yourRoles).toEqual(['copy']);
  });

  it('refuses a region file with an agency of another region or an unknown parent, loading nothing', async () => {
    const result = await loadRegion(hub.db, {
      region: REGION,
      agencies: [
        { code: 'x-1', name: 'x', kind: 'police', region: '999999' },
        { code: 'x-2', name: 'y', kind: 'police', region: REGION, parent: 'ghost' },
      ],
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toHaveLength(2);
    const found = await hub.db
      .selectFrom('agencies')
      .select('code')
      .where('code', 'in', ['x-1', 'x-2'])
      .execute();
    expect(found).toEqual([]);
  });

  it('loads a region from a file with the hub command, units before parents or not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'region-'));
    const file = join(dir, 'region.json');
    writeFileSync(
      file,
      JSON.stringify({
        region: '320311',
        agencies: [
          {
            code: 'qs-police-unit',
            name: '泉山公安分局治安大队',
            kind: 'police',
            region: '320311',
            parent: 'qs-police',
          },
          { code: 'qs-police', name: '泉山公安分局', kind: 'police', region: '320311' },
        ],
      }),
    );
    const run = await runHubCli(hub, 'region', 'load', file);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('region loaded: 2 agencies');
    expect(run.status).toBe(0);
  });
});
