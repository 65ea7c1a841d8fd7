import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkFiles } from '../../db/files.js';
import { deliveryRecord } from '../../db/outbox.js';
import { fileDownloadPath } from '../../schemas/files.js';
import { criminalTransfer, TEST_AGENCIES } from '../helpers/fixtures.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

/**
 * Every endpoint, called as every kind of agency, as a party and as a non-party, and as no one; each answer
 * checked against this table. Parties of the referral: enf-a (sender), pol-a (recipient), proc (copy).
 * Non-parties: enf-b, pol-b (a unit under pol-a), sup, and bodies of another region (proc-x, coord-x).
 * Region-wide readers of region 110101: just, coord.
 */
const OTHER = '110102';
const AGENCIES = [
  ...TEST_AGENCIES,
  {
    code: 'proc-x',
    name: '另区检察院',
    kind: 'procuratorate' as const,
    region: OTHER,
    parent: null,
    delivery: 'http' as const,
  },
  {
    code: 'coord-x',
    name: '另区联席办',
    kind: 'coordinator' as const,
    region: OTHER,
    parent: null,
    delivery: 'http' as const,
  },
];
const CALLERS = [
  'enf-a',
  'enf-b',
  'pol-a',
  'pol-b',
  'proc',
  'sup',
  'just',
  'coord',
  'proc-x',
  'coord-x',
  null,
] as const;
type Caller = (typeof CALLERS)[number];
type Row = {
  name: string;
  call: (as: Caller) => Promise<number>;
  expect: Partial<Record<string, number>> & { otherwise: number };
};

let hub: TestHub;
let referral = '';
let messageForPolice = '';
let fileHash = '';

async function freshReferral() {
  return (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id as string;
}

const status = async (as: Caller, method: string, url: string, body?: unknown) =>
  (await hub.request(as, method, url, body)).status;

const ROWS: Row[] = [
  {
    name: 'POST /v1/referrals (criminal transfer)',
    call: (as) => status(as, 'POST', '/v1/referrals', criminalTransfer()),
    expect: { 'enf-a': 201, 'enf-b': 201, null: 401, otherwise: 403 },
  },
  {
    name: 'GET /v1/referrals',
    call: (as) => status(as, 'GET', '/v1/referrals'),
    expect: { null: 401, otherwise: 200 },
  },
  {
    name: 'GET /v1/referrals/:id',
    call: (as) => status(as, 'GET', `/v1/referrals/${referral}`),
    expect: { 'enf-a': 200, 'pol-a': 200, proc: 200, just: 200, coord: 200, null: 401, otherwise: 404 },
  },
  {
    name: 'GET /v1/referrals/:id/verify',
    call: (as) => status(as, 'GET', `/v1/referrals/${referral}/verify`),
    expect: { 'enf-a': 200, 'pol-a': 200, proc: 200, just: 200, coord: 200, null: 401, otherwise: 404 },
  },
  {
    name: 'GET /v1/referrals/:id/reads',
    call: (as) => status(as, 'GET', `/v1/referrals/${referral}/reads`),
    expect: { proc: 200, coord: 200, 'enf-a': 403, 'pol-a': 403, just: 403, null: 401, otherwise: 404 },
  },
  {
    name: 'POST /v1/referrals/:id/actions (receipt)',
    call: async (as) =>
      status(as, 'POST', `/v1/referrals/${await freshReferral()}/actions`, { action: 'receipt' }),
    expect: { 'pol-a': 200, 'enf-a': 403, proc: 403, just: 403, coord: 403, null: 401, otherwise: 404 },
  },
  {
    name: 'GET /v1/inbox',
    call: (as) => status(as, 'GET', '/v1/inbox'),
    expect: { null: 401, otherwise: 200 },
  },
  {
    name: "POST /v1/inbox/:id/ack (the police's message)",
    call: (as) => status(as, 'POST', `/v1/inbox/${messageForPolice}/ack`),
    expect: { 'pol-a': 200, null: 401, otherwise: 404 },
  },
  {
    name: 'POST /v1/briefings',
    call: (as) => status(as, 'POST', '/v1/briefings', { recipients: ['coord'], subject: 's', body: 'b' }),
    expect: { coord: 422, null: 401, otherwise: 201 },
  },
  {
    name: 'GET /v1/briefings',
    call: (as) => status(as, 'GET', '/v1/briefings'),
    expect: { null: 401, otherwise: 200 },
  },
  {
    name: 'GET /v1/agencies',
    call: (as) => status(as, 'GET', '/v1/agencies'),
    expect: { null: 401, otherwise: 200 },
  },
  {
    name: 'GET /v1/backlog',
    call: (as) => status(as, 'GET', '/v1/backlog'),
    expect: { null: 401, otherwise: 200 },
  },
  {
    name: 'GET /v1/statistics',
    call: (as) => status(as, 'GET', '/v1/statistics'),
    expect: { proc: 200, just: 200, coord: 200, 'proc-x': 200, 'coord-x': 200, null: 401, otherwise: 403 },
  },
  {
    name: 'GET /v1/briefing-pack',
    call: (as) => status(as, 'GET', '/v1/briefing-pack'),
    expect: { proc: 200, just: 200, coord: 200, 'proc-x': 200, 'coord-x': 200, null: 401, otherwise: 403 },
  },
  {
    name: 'POST /v1/reports/yearly',
    call: (as) => status(as, 'POST', '/v1/reports/yearly', { year: 2026 }),
    expect: { proc: 201, just: 201, coord: 201, 'proc-x': 201, 'coord-x': 201, null: 401, otherwise: 403 },
  },
  {
    // No report of 2031 is ever stored: the region-wide agencies reach the lookup, the others do not.
    name: 'GET /v1/reports/yearly',
    call: (as) => status(as, 'GET', '/v1/reports/yearly?year=2031'),
    expect: { proc: 404, just: 404, coord: 404, 'proc-x': 404, 'coord-x': 404, null: 401, otherwise: 403 },
  },
  {
    name: 'POST /v1/penalty-cases',
    call: (as) =>
      status(as, 'POST', '/v1/penalty-cases', {
        decisionNo: `罚-${as}`,
        decidedAt: new Date().toISOString(),
        amountYuan: 1,
        offence: 'x',
      }),
    expect: { 'enf-a': 201, 'enf-b': 201, null: 401, otherwise: 403 },
  },
  {
    name: 'POST /v1/files',
    call: (as) =>
      hub
        .request(as, 'POST', '/v1/files', Buffer.from(`%PDF-1.7\n${as}`), {
          'content-type': 'application/pdf',
        })
        .then((r) => r.status),
    expect: { null: 401, otherwise: 201 },
  },
  {
    name: 'GET /v1/referrals/:id/files/:sha256',
    call: (as) => status(as, 'GET', fileDownloadPath(referral, fileHash)),
    // The files go to the parties only: the justice bureau (no copy in this region) and the coordinator
    // read the record, not the case files.
    expect: { 'enf-a': 200, 'pol-a': 200, proc: 200, null: 401, otherwise: 404 },
  },
  { name: 'GET /healthz', call: (as) => status(as, 'GET', '/healthz'), expect: { otherwise: 200 } },
  { name: 'GET /docs/json', call: (as) => status(as, 'GET', '/docs/json'), expect: { otherwise: 200 } },
];

beforeAll(async () => {
  hub = await createTestHub({ agencies: AGENCIES, env: { RATE_LIMIT_PER_SECOND: '100000' } });
  referral = await freshReferral();
  const record = await deliveryRecord(hub.db, { referralId: referral });
  messageForPolice = record.find((d) => d.recipient === 'pol-a')!.messageId;
  const uploaded = await hub.request('enf-a', 'POST', '/v1/files', Buffer.from('%PDF-1.7\nmatrix'), {
    'content-type': 'application/pdf',
  });
  fileHash = uploaded.body.sha256;
  await linkFiles(hub.db, referral, [fileHash]);
});
afterAll(async () => {
  await hub?.close();
});

describe('the authorization matrix', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))(
    '%s answers each caller as the table says',
    async (_name, row) => {
      const got: Record<string, number> = {};
      const want: Record<string, number> = {};
      for (const caller of CALLERS) {
        const key = String(caller);
        got[key] = await row.call(caller);
        want[key] = row.expect[key] ?? row.expect.otherwise;
      }
      expect(got).toEqual(want);
    },
  );
});
