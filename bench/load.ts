import { randomUUID } from 'node:crypto';
import http from 'node:http';
import amqp from 'amqplib';
import { importPrivateKey } from '../crypto/keys.js';
import { signCommand } from '../crypto/signatures.js';
import { signatureHeaderText } from '../schemas/signature.js';
import { percentiles } from './percentiles.js';

/**
 * The outside world of the throughput benchmarks, in a process of its own (as real agency systems are):
 * C HTTP clients of the referring agency submitting criminal transfers, each with an Idempotency-Key; the
 * police system consuming its inbox (and, round trip, answering each transfer with a receipt over AMQP);
 * the procuratorate consuming its copies; the referring agency's system noting the receipt notices.
 * Prints WINDOW_START / WINDOW_END when the measured window opens and closes, then RESULT with the times.
 */
export type LoadSetup = {
  baseUrl: string;
  key: string;
  amqpUrl: string;
  prefix: string;
  users: Record<'police' | 'proc' | 'enf', { user: string; password: string }>;
  mode: 'delivery' | 'round-trip';
  warmupSeconds: number;
  durationSeconds: number;
  clients: number;
  /** Referrals per second in all (paced); absent: as fast as the clients go. */
  rate?: number;
  /** `--signed`: the agencies' private keys (PKCS#8 PEM); every command is signed (issue 15). */
  signingKeys?: { enf: string; police: string };
  /**
   * With `signingKeys`: how many submissions to sign before the clock starts. An agency signs on its own
   * machine; signed here during the window, its signing would be counted as the hub's machine's CPU and
   * take the hub's cores. A submission beyond these is signed when it is sent.
   */
  presign?: number;
  /**
   * The soak: every this many seconds (a minute), a REPORT line on the referrals submitted in the interval
   * before, printed `reportDelaySeconds` after it closes so that their deliveries and receipts have come.
   */
  reportEverySeconds?: number;
  reportDelaySeconds?: number;
};

export type IntervalReport = {
  interval: number;
  /** Submission times of the referrals submitted in the interval, by referral id. */
  submitted: Record<string, number>;
  deliveredMs: ReturnType<typeof percentiles>;
  receiptNoticeMs: ReturnType<typeof percentiles>;
  /** Submitted in the interval but not yet delivered (round trip: not yet receipted) when reported. */
  pending: number;
};

export type LoadResult = {
  submitted: Record<string, number>;
  /** When the hub answered 201 to the submission (the command committed). */
  answered: Record<string, number>;
  delivered: Record<string, number>;
  receipted: Record<string, number>;
  copies: number;
  duplicates: number;
  failedSubmits: number;
  /** Submissions signed while the load ran (beyond the presigned ones). */
  signedDuringLoad: number;
  /** The first refused submission's status and body (a bench that submits nothing says why). */
  firstFailure?: string;
};

const now = () => performance.timeOrigin + performance.now();
const setup = JSON.parse(process.argv[2] ?? '{}') as LoadSetup;
const enfKey = setup.signingKeys ? importPrivateKey(setup.signingKeys.enf) : undefined;
const policeKey = setup.signingKeys ? importPrivateKey(setup.signingKeys.police) : undefined;
const digest = (s: string) => Buffer.from(s.padEnd(32, '0').slice(0, 32)).toString('hex');

function transfer(i: number) {
  return JSON.stringify({
    kind: 'criminal_transfer',
    recipient: 'bench-police',
    caseSummary: { title: `基准测试案件 ${i}`, facts: '当事人销售假冒注册商标的商品，货值金额较大。' },
    suspectedOffence: '销售假冒注册商标的商品罪',
    documents: [
      { type: 'transfer_letter', title: '涉嫌犯罪案件移送书', sha256: digest(`l${i}`), paper: true },
      { type: 'investigation_report', title: '调查报告', sha256: digest(`r${i}`), paper: true },
      { type: 'item_inventory', title: '涉案物品清单', sha256: digest(`i${i}`), paper: true },
    ],
    caseTeam: [
      { name: '王执法', certificateNo: `ZF-${i}-1` },
      { name: '李执法', certificateNo: `ZF-${i}-2` },
    ],
    approvedAt: new Date(Date.now() - 3600_000).toISOString(),
    priorPenalties: [],
  });
}

function urlFor(user: { user: string; password: string }) {
  const u = new URL(setup.amqpUrl.split(',')[0] ?? setup.amqpUrl);
  u.username = encodeURIComponent(user.user);
  u.password = encodeURIComponent(user.password);
  return u.toString();
}

const result: LoadResult = {
  submitted: {},
  answered: {},
  delivered: {},
  receipted: {},
  copies: 0,
  duplicates: 0,
  failedSubmits: 0,
  signedDuringLoad: 0,
};

const target = new URL(`${setup.baseUrl}/v1/referrals`);
/** A submission's body and, when signing, its Command-Signature header. */
function signedSubmission(i: number): { body: string; idempotencyKey: string; signature?: string } {
  const body = transfer(i);
  const idempotencyKey = randomUUID();
  if (!enfKey) return { body, idempotencyKey };
  // The signature covers the request's Idempotency-Key too.
  const command = { method: 'POST', path: target.pathname, idempotencyKey, body: JSON.parse(body) };
  return { body, idempotencyKey, signature: signatureHeaderText(signCommand(command, enfKey)) };
}
const presigned = Array.from({ length: enfKey ? (setup.presign ?? 0) : 0 }, (_, i) => signedSubmission(i));

const police = await amqp.connect(urlFor(setup.users.police));
const commands = await police.createConfirmChannel();
const inbox = await police.createChannel();
await inbox.prefetch(500);
await inbox.consume(`${setup.prefix}inbox.bench-police`, (msg) => {
  if (!msg) return;
  const envelope = JSON.parse(msg.content.toString()) as {
    type: string;
    referralId: string;
    messageId: string;
  };
  if (envelope.type === 'referral.submitted') {
    if (result.delivered[envelope.referralId]) result.duplicates++;
    else {
      result.delivered[envelope.referralId] = now();
      if (setup.mode === 'round-trip') receipt(envelope);
    }
  }
  inbox.ack(msg);
});
function receipt(envelope: { referralId: string; messageId: string }) {
  const command = {
    messageId: randomUUID(),
    type: 'command.action',
    referralId: envelope.referralId,
    sender: 'bench-police',
    recipient: 'hub',
    occurredAt: new Date().toISOString(),
    correlationId: envelope.referralId,
    causationId: envelope.messageId,
    payload: { action: 'receipt' },
  };
  const sent = policeKey ? { ...command, signature: signCommand(command, policeKey) } : command;
  commands.publish(`${setup.prefix}hub.commands`, '', Buffer.from(JSON.stringify(sent)), {
    persistent: true,
    userId: setup.users.police.user,
    messageId: command.messageId,
    type: command.type,
    contentType: 'application/json',
  });
}
const confirms = setInterval(() => void commands.waitForConfirms().catch(() => {}), 50);

const proc = await amqp.connect(urlFor(setup.users.proc));
const copies = await proc.createChannel();
await copies.prefetch(500);
await copies.consume(`${setup.prefix}inbox.bench-proc`, (msg) => {
  if (!msg) return;
  result.copies++;
  copies.ack(msg);
});

const enf = await amqp.connect(urlFor(setup.users.enf));
const notices = await enf.createChannel();
await notices.prefetch(500);
await notices.consume(`${setup.prefix}inbox.bench-enf`, (msg) => {
  if (!msg) return;
  const envelope = JSON.parse(msg.content.toString()) as { type: string; referralId: string };
  if (envelope.type === 'referral.receipted' && !result.receipted[envelope.referralId])
    result.receipted[envelope.referralId] = now();
  notices.ack(msg);
});

const agent = new http.Agent({ keepAlive: true, maxSockets: setup.clients });
function submit(i: number): Promise<void> {
  const ready = presigned[i];
  if (!ready && enfKey) result.signedDuringLoad++;
  const { body, idempotencyKey, signature } = ready ?? signedSubmission(i);
  const t0 = now();
  return new Promise((resolve) => {
    const request = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          authorization: `Bearer ${setup.key}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'idempotency-key': idempotencyKey,
          ...(signature ? { 'command-signature': signature } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          if (response.statusCode === 201) {
            const id = (JSON.parse(Buffer.concat(chunks).toString()) as { id: string }).id;
            result.submitted[id] = t0;
            result.answered[id] = now();
          } else {
            result.failedSubmits++;
            result.firstFailure ??= `${response.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`;
          }
          resolve();
        });
      },
    );
    request.on('error', (error) => {
      result.failedSubmits++;
      result.firstFailure ??= error.message;
      resolve();
    });
    request.end(body);
  });
}

const started = now();
const windowStart = started + setup.warmupSeconds * 1000;
const loadEnd = windowStart + setup.durationSeconds * 1000;
setTimeout(() => process.stdout.write(`WINDOW_START ${now()}\n`), windowStart - now());
setTimeout(() => process.stdout.write(`WINDOW_END ${now()}\n`), loadEnd - now());
const every = (setup.reportEverySeconds ?? 0) * 1000;
const reports: NodeJS.Timeout[] = [];
for (let k = 1; every > 0 && k * every <= loadEnd - windowStart; k++) {
  const from = windowStart + (k - 1) * every;
  const to = windowStart + k * every;
  const at = to + (setup.reportDelaySeconds ?? 5) * 1000;
  reports.push(
    setTimeout(() => process.stdout.write(`REPORT ${JSON.stringify(report(k, from, to))}\n`), at - now()),
  );
}
function report(k: number, from: number, to: number): IntervalReport {
  const submitted = Object.fromEntries(
    Object.entries(result.submitted).filter(([, t]) => t >= from && t < to),
  );
  const since = (arrived: Record<string, number>) =>
    percentiles(Object.entries(submitted).flatMap(([id, t]) => (arrived[id] ? [arrived[id] - t] : [])));
  const done = setup.mode === 'round-trip' ? result.receipted : result.delivered;
  return {
    interval: k,
    submitted,
    deliveredMs: since(result.delivered),
    receiptNoticeMs: since(result.receipted),
    pending: Object.keys(submitted).filter((id) => !done[id]).length,
  };
}
let next = 0;
const interval = setup.rate ? 1000 / setup.rate : 0;
await Promise.all(
  Array.from({ length: setup.clients }, async () => {
    while (now() < loadEnd) {
      const i = next++;
      // Paced: the i-th referral goes at its slot, whichever client is free.
      if (interval) {
        const wait = started + i * interval - now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (now() >= loadEnd) break;
      }
      await submit(i);
    }
  }),
);
// Drain: every accepted referral delivered (and, round trip, receipted), or 30 s; the last report first.
await new Promise((r) => setTimeout(r, every > 0 ? (setup.reportDelaySeconds ?? 5) * 1000 + 100 : 0));
const waiting = () =>
  Object.keys(result.submitted).filter((id) =>
    setup.mode === 'round-trip' ? !result.receipted[id] : !result.delivered[id],
  ).length;
const drainUntil = now() + 30_000;
while (waiting() > 0 && now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
await new Promise((r) => setTimeout(r, 200));
clearInterval(confirms);
await commands.waitForConfirms().catch(() => {});
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
agent.destroy();
await Promise.all([police.close(), proc.close(), enf.close()].map((p) => p.catch(() => {})));
