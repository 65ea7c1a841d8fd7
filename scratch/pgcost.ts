import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { cpuWindow } from '../bench/cpu.js';
import { upsertAgency } from '../db/agencies.js';
import { CommandPath } from '../db/command-path.js';
import { createDb, migrateToLatest } from '../db/connection.js';
import { AgencyDirectory } from '../db/directory.js';
import { RegionPolicy } from '../db/region-policy.js';
import { SubmissionSchema } from '../schemas/referral.js';

const base = 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `pgcost_${Date.now()}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const db = createDb(`postgres://postgres@127.0.0.1:5432/${name}`, 8);
await migrateToLatest(db);
for (const sql of (process.env.EXTRA ?? '').split(';').filter(Boolean))
  await admin.query('SELECT 1'), await (await import('kysely')).sql.raw(sql).execute(db);
const a = (code: string, kind: any) =>
  upsertAgency(db, { code, name: code, kind, region: '510104', parent: null, delivery: 'amqp' });
await a('enf', 'enforcement');
await a('pol', 'police');
await a('proc', 'procuratorate');
const directory = new AgencyDirectory(db);
const commands = new CommandPath({
  db,
  directory,
  policy: new RegionPolicy(db),
  clock: () => new Date(),
  maxInFlight: Number(process.env.INFLIGHT ?? 2),
  maxBatch: Number(process.env.BATCH ?? 64),
});
const enf = (await directory.get('enf'))!;
const digest = (s: string) => Buffer.from(s.padEnd(32, '0').slice(0, 32)).toString('hex');
const body = (i: number) =>
  SubmissionSchema.parse({
    kind: 'criminal_transfer',
    recipient: 'pol',
    caseSummary: { title: `案件 ${i}`, facts: '当事人销售假冒注册商标的商品，货值金额较大。' },
    suspectedOffence: '销售假冒注册商标的商品罪',
    documents: [
      { type: 'transfer_letter', title: '移送书', sha256: digest(`l${i}`) },
      { type: 'investigation_report', title: '调查报告', sha256: digest(`r${i}`) },
      { type: 'item_inventory', title: '清单', sha256: digest(`i${i}`) },
    ],
    caseTeam: [
      { name: '王执法', certificateNo: `ZF-${i}-1` },
      { name: '李执法', certificateNo: `ZF-${i}-2` },
    ],
    approvedAt: new Date(Date.now() - 3600_000).toISOString(),
    priorPenalties: [],
  });
const N = Number(process.env.N ?? 6000),
  C = Number(process.env.C ?? 32);
let next = 0;
const end = cpuWindow({ node: process.pid });
const t0 = performance.now();
await Promise.all(
  Array.from({ length: C }, async () => {
    while (next < N) {
      const i = next++;
      await commands.execute(
        enf,
        { type: 'submit', submission: body(i) as any },
        {},
        { via: 'http', agency: 'enf', key: randomUUID(), requestHash: 'x' },
      );
    }
  }),
);
const secs = (performance.now() - t0) / 1000;
const cpu = end();
console.log(
  JSON.stringify({
    rate: Math.round(N / secs),
    pgMsPerRef: Math.round((cpu.byGroup.postgres! * 1e6) / N) / 1000,
    nodeMsPerRef: Math.round((cpu.byGroup.node! * 1e6) / N) / 1000,
    machine: Math.round((cpu.machineCpuSeconds * 1e6) / N) / 1000,
  }),
);
await db.destroy();
await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
await admin.end();
