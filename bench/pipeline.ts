import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import amqp, { type ChannelModel } from 'amqplib';
import pg from 'pg';
import { composeHub } from '../bin/compose.js';
import { issueApiKey, upsertAgency } from '../db/agencies.js';
import { createDb, migrateToLatest } from '../db/connection.js';
import { createLogger } from '../db/logger.js';
import { parseConfig } from '../schemas/config.js';
import { agencyGrant, deleteAmqpUser, management, provisionAmqpUser, vhostOf } from '../workers/provision.js';

export type PipelineArgs = { n: number; c: number; keep: boolean };

const REGION = '510104';
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

export function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

/** An agency system: consumes its inbox as its own RabbitMQ user; the police one answers with receipts. */
async function startAgency(
  url: string,
  user: { user: string; password: string },
  queue: string,
  onMessage: (m: any) => void,
) {
  const u = new URL(url);
  u.username = encodeURIComponent(user.user);
  u.password = encodeURIComponent(user.password);
  const connection: ChannelModel = await amqp.connect(u.toString());
  const channel = await connection.createChannel();
  await channel.prefetch(500);
  await channel.consume(queue, (msg) => {
    if (!msg) return;
    onMessage(JSON.parse(msg.content.toString()));
    channel.ack(msg);
  });
  return connection;
}

export async function runPipelineBench(args: PipelineArgs) {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const mgmt = process.env.RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672';
  const id = randomBytes(4).toString('hex');
  const dbName = `hub_bench_${id}`;
  const prefix = `bench${id}.`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(base);
  dbUrl.pathname = `/${dbName}`;
  const parsed = parseConfig({
    DATABASE_URL: dbUrl.toString(),
    AMQP_URL: amqpUrl,
    RABBITMQ_MANAGEMENT_URL: mgmt,
    AMQP_PREFIX: prefix,
    LOG_LEVEL: 'silent',
  });
  if (!parsed.ok) throw new Error(parsed.message);
  const config = parsed.value;
  const db = createDb(config.DATABASE_URL, config.DB_POOL_SIZE);
  const users: { user: string; password: string }[] = [];
  const connections: ChannelModel[] = [];
  let hub: Awaited<ReturnType<typeof composeHub>> | undefined;
  try {
    await migrateToLatest(db);
    const grant = async (code: string) => {
      const g = await provisionAmqpUser(mgmt, agencyGrant(prefix, code, vhostOf(amqpUrl)));
      users.push(g);
      return g;
    };
    const police = await grant('bench-police');
    const proc = await grant('bench-proc');
    await upsertAgency(db, {
      code: 'bench-enf',
      name: '基准市场监管局',
      kind: 'enforcement',
      region: REGION,
      parent: null,
      delivery: 'http',
    });
    await upsertAgency(
      db,
      {
        code: 'bench-police',
        name: '基准公安局',
        kind: 'police',
        region: REGION,
        parent: null,
        delivery: 'amqp',
      },
      police.user,
    );
    await upsertAgency(
      db,
      {
        code: 'bench-proc',
        name: '基准人民检察院',
        kind: 'procuratorate',
        region: REGION,
        parent: null,
        delivery: 'amqp',
      },
      proc.user,
    );
    const key = (await issueApiKey(db, 'bench-enf')).key;
    hub = await composeHub(config, { db, log: createLogger('silent') });
    await hub.app.listen({ host: '127.0.0.1', port: 0 });
    const address = hub.app.server.address();
    const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const submittedAt = new Map<string, number>();
    const delivered = new Map<string, number>();
    let duplicates = 0;
    const policeConn = await startAgency(amqpUrl, police, `${prefix}inbox.bench-police`, () => {});
    connections.push(policeConn);
    const commands = await policeConn.createConfirmChannel();
    let unconfirmed = 0;
    // The police system: on each delivery, a receipt back over AMQP (confirms awaited per window, not per message).
    const policeInbox = await policeConn.createChannel();
    await policeInbox.prefetch(500);
    await policeInbox.consume(`${prefix}inbox.bench-police`, (msg) => {
      if (!msg) return;
      const envelope = JSON.parse(msg.content.toString());
      if (envelope.type === 'referral.submitted') {
        if (delivered.has(envelope.referralId)) duplicates++;
        else delivered.set(envelope.referralId, performance.now());
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
        commands.publish(`${prefix}hub.commands`, '', Buffer.from(JSON.stringify(receipt)), {
          persistent: true,
          userId: police.user,
          messageId: receipt.messageId,
          contentType: 'application/json',
        });
        if (++unconfirmed >= 256) {
          unconfirmed = 0;
          void commands.waitForConfirms();
        }
      }
      policeInbox.ack(msg);
    });
    connections.push(await startAgency(amqpUrl, proc, `${prefix}inbox.bench-proc`, () => {}));
    const confirmTimer = setInterval(() => void commands.waitForConfirms().catch(() => {}), 50);

    const receiptedAt = new Map<string, number>();
    const epochOffset = Date.now() - performance.now();
    let polling = true;
    const poller = (async () => {
      let last = new Date(0);
      while (polling) {
        const rows = await hub!.db
          .selectFrom('ledger_events')
          .select(['referral_id', 'recorded_at'])
          .where('event', '=', 'receipted')
          .where('recorded_at', '>', last)
          .orderBy('recorded_at')
          .execute();
        for (const r of rows) {
          if (!receiptedAt.has(r.referral_id))
            receiptedAt.set(r.referral_id, r.recorded_at.getTime() - epochOffset);
          if (r.recorded_at > last) last = r.recorded_at;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const httpMs: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: args.c }, async () => {
        while (next < args.n) {
          const i = next++;
          const t0 = performance.now();
          const res = await fetch(`${baseUrl}/v1/referrals`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify(transfer(i)),
          });
          const body = (await res.json()) as { id: string };
          if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${JSON.stringify(body)}`);
          httpMs.push(performance.now() - t0);
          submittedAt.set(body.id, t0);
        }
      }),
    );
    const submitsDone = performance.now();
    const deadline = Date.now() + 120_000;
    while (receiptedAt.size < args.n && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const finished = performance.now();
    polling = false;
    await poller;
    clearInterval(confirmTimer);
    const lost = [...submittedAt.keys()].filter((k) => !delivered.has(k)).length;
    const notReceipted = [...submittedAt.keys()].filter((k) => !receiptedAt.has(k)).length;
    const toDelivered = [...submittedAt].flatMap(([k, t]) =>
      delivered.has(k) ? [delivered.get(k)! - t] : [],
    );
    const toLedger = [...submittedAt].flatMap(([k, t]) =>
      receiptedAt.has(k) ? [receiptedAt.get(k)! - t] : [],
    );
    const lastReceipt = Math.max(...receiptedAt.values());
    return {
      mode: 'pipeline',
      n: args.n,
      concurrency: args.c,
      durationSeconds: Math.round((finished - started) / 10) / 100,
      referralsPerSecond: Math.round(args.n / ((lastReceipt - started) / 1000)),
      submitsPerSecond: Math.round(args.n / ((submitsDone - started) / 1000)),
      httpSubmitMs: percentiles(httpMs),
      submitToDeliveredMs: percentiles(toDelivered),
      submitToReceiptInLedgerMs: percentiles(toLedger),
      lost,
      notReceipted,
      duplicatesDelivered: duplicates,
    };
  } finally {
    await hub?.stop();
    for (const c of connections) await c.close().catch(() => {});
    await db.destroy().catch(() => {});
    const queues = (await management(mgmt, 'GET', '/api/queues?columns=name,vhost')) as {
      name: string;
      vhost: string;
    }[];
    for (const q of queues.filter((q) => q.name.startsWith(prefix))) {
      await management(
        mgmt,
        'DELETE',
        `/api/queues/${encodeURIComponent(q.vhost)}/${encodeURIComponent(q.name)}`,
        undefined,
        [404],
      );
    }
    const exchanges = (await management(mgmt, 'GET', '/api/exchanges?columns=name,vhost')) as {
      name: string;
      vhost: string;
    }[];
    for (const e of exchanges.filter((e) => e.name.startsWith(prefix))) {
      await management(
        mgmt,
        'DELETE',
        `/api/exchanges/${encodeURIComponent(e.vhost)}/${encodeURIComponent(e.name)}`,
        undefined,
        [404],
      );
    }
    for (const u of users) await deleteAmqpUser(mgmt, u.user);
    if (!args.keep) await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}
