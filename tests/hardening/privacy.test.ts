import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../runtime/logger.js';
import { actionCommand, commandEnvelope } from '../helpers/commands.js';
import { criminalTransfer } from '../helpers/fixtures.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { waitFor } from '../helpers/wait.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(String(chunk));
    done();
  },
});

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub({
    log: createLogger('trace', sink),
    env: { RATE_LIMIT_PER_SECOND: '5', BODY_LIMIT_BYTES: '20000' },
  });
});
afterAll(async () => {
  await hub?.close();
});

// Personal data the scenario carries: officers, a suspect, an official, an ID number, case facts.
const PERSONAL = [
  '王执法',
  '李执法',
  'ZF-0001',
  '张三丰',
  '110101199001011234',
  '赵某',
  '当事人销售假冒注册商标的白酒',
];

describe('personal data and reads', () => {
  it('never writes names, ID numbers or case facts to the logs in a full scenario', async () => {
    const transfer = criminalTransfer({
      caseSummary: {
        title: '张三丰涉嫌销售假冒商品案',
        facts: '当事人销售假冒注册商标的白酒，身份证号110101199001011234。',
      },
    });
    const submitted = await hub.request('enf-a', 'POST', '/v1/referrals', transfer);
    expect(submitted.status).toBe(201);
    const id = submitted.body.id;
    await hub.sendCommand('pol-a', actionCommand('pol-a', id, { action: 'receipt' }));
    // A refused command whose payload carries personal data, and a malformed one.
    const refused = commandEnvelope('pol-a', 'command.submit', transfer);
    await hub.sendCommand('pol-a', refused);
    await hub.sendCommand('pol-a', null, {
      raw: Buffer.from(`{"name":"王执法","idNumber":"110101199001011234"`),
      messageId: randomUUID(),
    });
    await hub.request('enf-a', 'POST', '/v1/referrals', { ...transfer, caseTeam: [{ name: '王执法' }] });
    await hub.request('enf-a', 'POST', '/v1/briefings', {
      recipients: ['sup'],
      subject: '赵某线索',
      body: '赵某收受财物',
    });
    await waitFor(
      () =>
        hub.db
          .selectFrom('processed_messages')
          .selectAll()
          .where('message_id', '=', refused.messageId)
          .executeTakeFirst(),
      'the refusal',
    );
    await waitFor(
      async () => (await hub.request('enf-a', 'GET', `/v1/referrals/${id}`)).body.state === 'receipted',
      'the receipt',
    );
    const log = lines.join('');
    expect(log.length).toBeGreaterThan(0);
    for (const item of PERSONAL) expect(log, item).not.toContain(item);
  });

  it("records every read of a referral and shows them to the region's procuratorate only", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a fresh rate-limit window
    const id = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
    await hub.request('pol-a', 'GET', `/v1/referrals/${id}`);
    await hub.request('enf-a', 'GET', `/v1/referrals/${id}/verify`);
    await hub.request('enf-b', 'GET', `/v1/referrals/${id}`); // not allowed: 404, and not a read
    const reads = await hub.request('proc', 'GET', `/v1/referrals/${id}/reads`);
    expect(reads.status).toBe(200);
    expect(reads.body.reads.map((r: { agency: string; what: string }) => `${r.agency}:${r.what}`)).toEqual([
      'pol-a:view',
      'enf-a:verify',
      'proc:reads',
    ]);
    const refused = await hub.request('pol-a', 'GET', `/v1/referrals/${id}/reads`);
    expect([refused.status, refused.body.code]).toEqual([403, 'ACTOR_NOT_PERMITTED']);
  });
});

describe('limits', () => {
  it('answers 429 with Retry-After past the per-key rate, and other keys are not affected', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await hub.request('enf-b', 'GET', '/v1/inbox')).status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(10);
    expect(statuses).toContain(429);
    const limited = await hub.request('enf-b', 'GET', '/v1/inbox');
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await hub.request('coord', 'GET', '/v1/inbox')).status).toBe(200);
  });

  it('answers 413 to a body over the size limit and writes nothing', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const big = criminalTransfer({ caseSummary: { title: 't', facts: 'x'.repeat(30_000) } });
    const r = await hub.request('coord', 'POST', '/v1/referrals', big);
    expect([r.status, r.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });
});
