import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';

/**
 * The outside world of the pipeline benchmark, in its own process (as real agency systems are): C HTTP
 * clients of the referring agency, the police system (consumes its inbox, answers each transfer with a
 * receipt over AMQP) and the procuratorate (consumes its copies). Reports epoch-millisecond times on stdout.
 */
type Setup = {
  baseUrl: string;
  key: string;
  amqpUrl: string;
  prefix: string;
  police: { user: string; password: string };
  proc: { user: string; password: string };
  n: number;
  c: number;
};

const now = () => performance.timeOrigin + performance.now();
const setup = JSON.parse(process.argv[2] ?? '{}') as Setup;
const digest = (s: string) => Buffer.from(s.padEnd(32, '0').slice(0, 32)).toString('hex');

function transfer(i: number) {
  return {
    kind: 'criminal_transfer',
    recipient: 'bench-police',
    caseSummary: { title: `基准测试案件 ${i}`, facts: '当事人销售假冒注册商标的商品，货值金额较大。' },
    suspectedOffence: '销售假冒注册商标的商品罪',
    documents: [
      { type: 'transfer_letter', title: '涉嫌犯罪案件移送书', sha256: digest(`l${i}`) },
      { type: 'investigation_report', title: '调查报告', sha256: digest(`r${i}`) },
      { type: 'item_inventory', title: '涉案物品清单', sha256: digest(`i${i}`) },
    ],
    caseTeam: [
      { name: '王执法', certificateNo: `ZF-${i}-1` },
      { name: '李执法', certificateNo: `ZF-${i}-2` },
    ],
    approvedAt: new Date(Date.now() - 3600_000).toISOString(),
    priorPenalties: [],
  };
}

function urlFor(user: { user: string; password: string }) {
  const u = new URL(setup.amqpUrl);
  u.username = encodeURIComponent(user.user);
  u.password = encodeURIComponent(user.password);
  return u.toString();
}

const delivered: Record<string, number> = {};
let duplicates = 0;
const police = await amqp.connect(urlFor(setup.police));
const commands = await police.createConfirmChannel();
const inbox = await police.createChannel();
await inbox.prefetch(500);
await inbox.consume(`${setup.prefix}inbox.bench-police`, (msg) => {
  if (!msg) return;
  const envelope = JSON.parse(msg.content.toString());
  if (envelope.type === 'referral.submitted') {
    if (delivered[envelope.referralId]) duplicates++;
    else delivered[envelope.referralId] = now();
    const receipt = {
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
    commands.publish(`${setup.prefix}hub.commands`, '', Buffer.from(JSON.stringify(receipt)), {
      persistent: true,
      userId: setup.police.user,
      messageId: receipt.messageId,
      contentType: 'application/json',
    });
  }
  inbox.ack(msg);
});
const confirms = setInterval(() => void commands.waitForConfirms().catch(() => {}), 50);
const proc = await amqp.connect(urlFor(setup.proc));
const copies = await proc.createChannel();
await copies.prefetch(500);
await copies.consume(`${setup.prefix}inbox.bench-proc`, (msg) => msg && copies.ack(msg));

const submitted: Record<string, number> = {};
const httpMs: number[] = [];
let next = 0;
const started = now();
await Promise.all(
  Array.from({ length: setup.c }, async () => {
    while (next < setup.n) {
      const i = next++;
      const t0 = now();
      const res = await fetch(`${setup.baseUrl}/v1/referrals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${setup.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(transfer(i)),
      });
      const body = (await res.json()) as { id: string };
      if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${JSON.stringify(body)}`);
      httpMs.push(now() - t0);
      submitted[body.id] = t0;
    }
  }),
);
const submitsDone = now();
const deadline = Date.now() + 60_000;
while (Object.keys(delivered).length < setup.n && Date.now() < deadline)
  await new Promise((r) => setTimeout(r, 20));
await new Promise((r) => setTimeout(r, 200));
clearInterval(confirms);
await commands.waitForConfirms();
process.stdout.write(
  `${JSON.stringify({ started, submitsDone, submitted, delivered, httpMs, duplicates })}\n`,
);
await police.close();
await proc.close();
