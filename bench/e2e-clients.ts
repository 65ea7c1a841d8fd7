import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { POLICE } from './e2e-setup.js';

export type Submissions = {
  /** Epoch ms just before each referral's request was sent, by referral id. */
  submittedAt: Map<string, number>;
  httpMs: number[];
  startedAt: number;
  finishedAt: number;
};

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/** A complete Decree 310 Art 6 transfer package to the police, unique per run and index. */
export function buildCriminalTransfer(run: string, i: number, now = Date.now()) {
  return {
    kind: 'criminal_transfer',
    recipient: POLICE,
    caseSummary: {
      title: `基准测试案件 ${run}-${i}`,
      facts: '当事人销售假冒注册商标的白酒，货值金额 12 万元。',
    },
    suspectedOffence: '销售假冒注册商标的商品罪',
    documents: [
      { type: 'transfer_letter', title: '涉嫌犯罪案件移送书', sha256: digest(`${run}-${i}-letter`) },
      {
        type: 'investigation_report',
        title: '涉嫌犯罪案件情况的调查报告',
        sha256: digest(`${run}-${i}-report`),
      },
      { type: 'item_inventory', title: '涉案物品清单', sha256: digest(`${run}-${i}-inventory`) },
    ],
    caseTeam: [
      { name: '王执法', certificateNo: `ZF-${i}-1` },
      { name: '李执法', certificateNo: `ZF-${i}-2` },
    ],
    approvedAt: new Date(now - 3600_000).toISOString(),
    priorPenalties: [],
  };
}

/** `concurrency` clients of the referring agency submit `n` transfers over keep-alive HTTP; each must be 201. */
export async function submitReferrals(
  baseUrl: string,
  apiKey: string,
  n: number,
  concurrency: number,
): Promise<Submissions> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const run = randomBytes(4).toString('hex');
  const url = new URL('/v1/referrals', baseUrl);
  // Bodies built beforehand so that the clients' own work stays out of the timings.
  const bodies = Array.from({ length: n }, (_, i) => JSON.stringify(buildCriminalTransfer(run, i)));
  const submittedAt = new Map<string, number>();
  const httpMs: number[] = [];
  let next = 0;
  const startedAt = Date.now();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < n; i = next++) {
          const t0 = Date.now();
          const started = performance.now();
          const { status, text } = await postJson(agent, url, apiKey, bodies[i]!);
          if (status !== 201) throw new Error(`submission ${i} answered ${status}: ${text.slice(0, 500)}`);
          httpMs.push(performance.now() - started);
          submittedAt.set((JSON.parse(text) as { id: string }).id, t0);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { submittedAt, httpMs, startedAt, finishedAt: Date.now() };
}

function postJson(
  agent: http.Agent,
  url: URL,
  apiKey: string,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
