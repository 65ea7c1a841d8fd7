import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countProcessed } from '../../db/dedup.js';
import { countEvents } from '../../db/ledger.js';
import { ActionCommandSchema, BriefingSchema } from '../../schemas/actions.js';
import { SubmissionSchema } from '../../schemas/referral.js';
import { commandEnvelope } from '../helpers/commands.js';
import { criminalTransfer } from '../helpers/fixtures.js';
import { hostileText } from '../helpers/hostile-text.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Every text field of every body and payload gets full Unicode, NUL, lone surrogates, controls, bidi
 * characters and a BOM: never a 5xx over HTTP, and over AMQP every command ends applied or with its
 * sender told (`command.rejected`). Prints how each class of field fared.
 */
let hub: TestHub;
let referral = '';
beforeAll(async () => {
  hub = await createTestHub({ env: { RATE_LIMIT_PER_SECOND: '1000000' } });
  referral = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
});
afterAll(async () => {
  await hub?.close();
});

type Body = {
  name: string;
  url: (id: string) => string;
  body: Record<string, unknown>;
  parse: (v: unknown) => boolean;
};

const sha = 'a'.repeat(64);
const document = { type: 'other', title: '现场照片', sha256: sha, paper: true };
const fullTransfer = {
  ...criminalTransfer(),
  caseSummary: { title: '标题', facts: '事实', agencyCaseNo: '案号1' },
  priorPenalties: [
    { decisionNo: '罚字1号', decidedAt: new Date().toISOString(), penalty: 'fine', amountYuan: 1 },
  ],
};
const submission = (body: Record<string, unknown>) => SubmissionSchema.safeParse(body).success;
const action = (body: Record<string, unknown>) => ActionCommandSchema.safeParse(body).success;

/** A valid example of every body with a text field, optional text fields filled in. */
const BODIES: Body[] = [
  { name: 'criminal_transfer', url: () => '/v1/referrals', body: fullTransfer, parse: submission as never },
  {
    name: 'reverse_transfer',
    url: () => '/v1/referrals',
    body: {
      kind: 'reverse_transfer',
      recipient: 'enf-a',
      caseSummary: { title: '标题', facts: '事实', agencyCaseNo: '案号' },
      basis: 'non_prosecution',
      opinion: '检察意见',
      documents: [document],
    },
    parse: submission as never,
  },
  {
    name: 'duty_clue',
    url: () => '/v1/referrals',
    body: {
      kind: 'duty_clue',
      recipient: 'sup',
      caseSummary: { title: '标题', facts: '事实' },
      suspectedConduct: 'other',
      officials: [{ name: '赵某', position: '科员', organisation: '某局' }],
      documents: [document],
    },
    parse: submission as never,
  },
  ...[
    { action: 'withdraw', reason: '撤回' },
    { action: 'receipt', note: '备注' },
    { action: 'request_supplement', items: ['材料'], note: '备注' },
    { action: 'supplement', documents: [document], note: '备注' },
    { action: 'forward', to: 'pol-b', reason: '理由' },
    { action: 'file', caseNo: '立字1号', note: '备注' },
    { action: 'decline', reasonCode: 'other', reasons: '理由' },
    { action: 'hand_over_goods', items: [{ description: '白酒', quantity: '1 箱' }] },
    { action: 'report_progress', stage: 'arrested', note: '备注' },
    { action: 'report_handling', outcome: 'penalty', decisionNo: '罚字2号', reasons: '理由' },
    { action: 'brief', recipients: ['coord'], subject: '主题', body: '内容' },
  ].map(
    (body): Body => ({
      name: `action ${body.action}`,
      url: (id) => `/v1/referrals/${id}/actions`,
      body,
      parse: action as never,
    }),
  ),
  {
    name: 'briefing',
    url: () => '/v1/briefings',
    body: { recipients: ['coord'], subject: '主题', body: '内容' },
    parse: (v) => BriefingSchema.safeParse(v).success,
  },
  {
    name: 'penalty case',
    url: () => '/v1/penalty-cases',
    body: { decisionNo: '罚字3号', decidedAt: new Date().toISOString(), amountYuan: 1, offence: '违法行为' },
    parse: () => true,
  },
];

type Path = (string | number)[];

function set(value: unknown, path: Path, leaf: string): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path as [string | number, ...Path];
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? set(v, rest, leaf) : v));
  const record = value as Record<string, unknown>;
  return { ...record, [head]: set(record[head], rest, leaf) };
}

function stringPaths(value: unknown, at: Path = []): Path[] {
  if (typeof value === 'string') return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...at, i]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...at, k]));
  return [];
}

/** The text fields of a body, each with its class: free text takes a line break, a name or title does not. */
const FIELDS = BODIES.flatMap((b) =>
  stringPaths(b.body)
    .filter((path) => b.parse(set(b.body, path, '普通文字')))
    .map((path) => ({
      body: b,
      path,
      kind: b.parse(set(b.body, path, '第一行\n第二行')) ? ('free' as const) : ('line' as const),
    })),
);

describe('hostile text in every text field', () => {
  it('finds the text fields of every body', () => {
    expect(FIELDS.length).toBeGreaterThan(30);
    expect(FIELDS.some((f) => f.kind === 'free')).toBe(true);
    expect(FIELDS.some((f) => f.kind === 'line')).toBe(true);
  });

  it('never answers 5xx over HTTP, refusing with TEXT_INVALID what the text type refuses', async () => {
    const tally: Record<string, Record<string, number>> = {};
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIELDS), hostileText(), async (field, text) => {
        const body = set(field.body.body, field.path, text);
        const response = await hub.app.inject({
          method: 'POST',
          url: field.body.url(referral),
          headers: {
            authorization: `Bearer ${hub.keys[field.body.name.startsWith('action') ? 'pol-a' : 'enf-a']}`,
          },
          payload: body as object,
        });
        tally[field.kind] ??= {};
        const row = tally[field.kind] as Record<string, number>;
        const key = response.statusCode < 300 ? 'accepted' : (response.json().code as string);
        row[key] = (row[key] ?? 0) + 1;
        expect(
          response.statusCode,
          `${field.body.name} ${field.path.join('.')}: ${response.body}`,
        ).toBeLessThan(500);
        if (!field.body.parse(body)) expect(response.json().code).toBe('TEXT_INVALID');
      }),
      { numRuns: Number(process.env.HOSTILE_RUNS ?? 4000) },
    );
    console.log(`FUZZ http ${JSON.stringify({ fields: FIELDS.length, tally })}`);
    expect(Object.values(tally).reduce((n, r) => n + (r.TEXT_INVALID ?? 0), 0)).toBeGreaterThan(100);
  }, 600_000);

  it('over AMQP applies each command or tells its sender why, at once', async () => {
    const samples = fc.sample(
      fc.tuple(fc.constantFrom(...FIELDS.filter((f) => f.body.name !== 'penalty case')), hostileText()),
      Number(process.env.HOSTILE_AMQP ?? 300),
    );
    const inbox = { 'enf-a': await hub.inbox('enf-a'), 'pol-a': await hub.inbox('pol-a') };
    const sent: { id: string; sender: 'enf-a' | 'pol-a'; valid: boolean }[] = [];
    const eventsBefore = await countEvents(hub.db);
    for (const [field, text] of samples) {
      const payload = set(field.body.body, field.path, text);
      const isAction = field.body.name.startsWith('action');
      const sender = isAction ? 'pol-a' : 'enf-a';
      const messageId = randomUUID();
      sent.push({ id: messageId, sender, valid: field.body.parse(payload) });
      const type = isAction
        ? 'command.action'
        : field.body.name === 'briefing'
          ? 'command.brief'
          : 'command.submit';
      await hub.sendCommand(
        sender,
        commandEnvelope(sender, type, payload, { messageId, referralId: isAction ? referral : null }),
      );
    }
    const ids = sent.map((s) => s.id);
    await waitFor(
      async () => (await countProcessed(hub.db, ids)) === ids.length,
      'every command answered',
      60_000,
    );
    // Every refused command's sender got its notice; a refused text names TEXT_INVALID.
    const invalid = sent.filter((s) => !s.valid);
    const notices = await waitFor(() => {
      const found = invalid.map((s) =>
        inbox[s.sender].received.find(
          (r) => r.envelope.type === 'command.rejected' && r.envelope.payload.rejectedMessageId === s.id,
        ),
      );
      return found.every(Boolean) ? found : undefined;
    }, 'a notice for every refused command');
    for (const n of notices) expect(n?.envelope.payload.code).toBe('TEXT_INVALID');
    console.log(
      `FUZZ amqp ${JSON.stringify({ sent: sent.length, refused: invalid.length, eventsWritten: (await countEvents(hub.db)) - eventsBefore })}`,
    );
    expect(invalid.length).toBeGreaterThan(50);
  }, 300_000);
});
