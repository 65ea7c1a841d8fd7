import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { issueApiKey, upsertAgency } from '../db/agencies.js';
import { createDb, migrateToLatest } from '../db/connection.js';
import { linkFiles } from '../db/files.js';
import { fileDownloadPath } from '../schemas/files.js';

/**
 * `npm run bench -- --mode files [--small 200] [--c 4]`: upload and download rates of case files through
 * the real gateway (gateway/main.ts in a process of its own, on a fresh database) for one 100 MiB file and
 * for `small` files of 1 MiB (`c` at a time), beside the raw rate of `cat` of the same bytes to /dev/null
 * and of PostgreSQL COPY of them into and out of a bytea table shaped like file_chunks. Rates in MB/s
 * (10^6 bytes per second); bench/run.ts prints the result as one JSON line.
 */
const MiB = 1024 * 1024;
const REGION = '510104';

type Rates = { files: number; bytes: number; uploadMBps: number; downloadMBps: number; catMBps: number };
type Set = Rates & { copyInMBps: number; copyOutMBps: number };

const rate = (bytes: number, ms: number) => Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10;

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** `items` through `work`, `c` at a time. */
async function pool<T>(items: T[], c: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(c, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

function request(base: string, key: string, method: string, path: string, body?: string, size?: number) {
  return new Promise<{ status: number; text: string; bytes: number }>((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (body) Object.assign(headers, { 'content-type': 'application/pdf', 'content-length': String(size) });
    const req = http.request(`${base}${path}`, { method, headers }, async (response) => {
      let bytes = 0;
      const pieces: Buffer[] = [];
      for await (const piece of response) {
        bytes += (piece as Buffer).length;
        if (response.headers['content-type']?.startsWith('application/json')) pieces.push(piece as Buffer);
      }
      resolve({ status: response.statusCode ?? 0, text: Buffer.concat(pieces).toString(), bytes });
    });
    req.on('error', reject);
    if (body) createReadStream(body).pipe(req);
    else req.end();
  });
}

/** COPY of the files into a logged bytea table of 1 MiB rows (one statement per file), and out again. */
async function copyRates(url: string, paths: string[], bytes: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      'CREATE TABLE bench_copy (n int, data bytea); ALTER TABLE bench_copy ALTER data SET STORAGE EXTERNAL',
    );
    const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
    let n = 0;
    const inMs = await timed(async () => {
      for (const path of paths) {
        const copy = client.query(copyFrom('COPY bench_copy (n, data) FROM STDIN (FORMAT binary)'));
        copy.write(header);
        for await (const piece of createReadStream(path, { highWaterMark: MiB })) {
          const tuple = Buffer.alloc(14);
          tuple.writeInt16BE(2, 0);
          tuple.writeInt32BE(4, 2);
          tuple.writeInt32BE(n++, 6);
          tuple.writeInt32BE((piece as Buffer).length, 10);
          copy.write(tuple);
          if (!copy.write(piece)) await once(copy, 'drain');
        }
        copy.end(Buffer.from([0xff, 0xff]));
        await once(copy, 'finish');
      }
    });
    let out = 0;
    const outMs = await timed(async () => {
      for (let i = 0; i < paths.length; i++) {
        const per = Math.ceil(bytes / paths.length / MiB);
        const stream = client.query(
          copyTo(
            `COPY (SELECT data FROM bench_copy WHERE n >= ${i * per} AND n < ${(i + 1) * per}) TO STDOUT (FORMAT binary)`,
          ),
        );
        for await (const piece of stream) out += (piece as Buffer).length;
      }
    });
    if (out < bytes) throw new Error(`COPY out brought ${out} of ${bytes} bytes`);
    return { copyInMBps: rate(bytes, inMs), copyOutMBps: rate(bytes, outMs) };
  } finally {
    await client.query('DROP TABLE IF EXISTS bench_copy').catch(() => {});
    await client.end();
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  return port;
}

function transfer() {
  const digest = (s: string) => Buffer.from(s.padEnd(32, '0').slice(0, 32)).toString('hex');
  return {
    kind: 'criminal_transfer',
    recipient: 'bench-police',
    caseSummary: { title: '基准测试案件', facts: '当事人销售假冒注册商标的商品，货值金额较大。' },
    suspectedOffence: '销售假冒注册商标的商品罪',
    documents: [
      { type: 'transfer_letter', title: '涉嫌犯罪案件移送书', sha256: digest('l'), paper: true },
      { type: 'investigation_report', title: '调查报告', sha256: digest('r'), paper: true },
      { type: 'item_inventory', title: '涉案物品清单', sha256: digest('i'), paper: true },
    ],
    caseTeam: [
      { name: '王执法', certificateNo: 'ZF-1' },
      { name: '李执法', certificateNo: 'ZF-2' },
    ],
    approvedAt: new Date(Date.now() - 3600_000).toISOString(),
    priorPenalties: [],
  };
}

export async function runFilesBench(argv: string[]) {
  const arg = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const smallCount = arg('small', 200);
  const c = arg('c', 4);
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `hub_bench_files_${randomBytes(4).toString('hex')}`;
  const dbUrl = new URL(base);
  dbUrl.pathname = `/${dbName}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const db = createDb(dbUrl.toString(), 4);
  const dir = await mkdtemp(join(tmpdir(), 'hub-bench-files-'));
  let gateway: ChildProcess | undefined;
  try {
    await migrateToLatest(db);
    for (const [code, kind] of [
      ['bench-enf', 'enforcement'],
      ['bench-police', 'police'],
      ['bench-proc', 'procuratorate'],
    ] as const) {
      await upsertAgency(db, { code, name: code, kind, region: REGION, parent: null, delivery: 'http' });
    }
    const enf = (await issueApiKey(db, 'bench-enf')).key;
    const police = (await issueApiKey(db, 'bench-police')).key;
    const write = async (name: string, size: number) => {
      const path = join(dir, name);
      await writeFile(path, Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]));
      return path;
    };
    const big = [await write('big.pdf', 100 * MiB)];
    const small: string[] = [];
    for (let i = 0; i < smallCount; i++) small.push(await write(`small-${i}.pdf`, MiB));

    const port = await freePort();
    gateway = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('../gateway/main.ts', import.meta.url).pathname],
      {
        env: {
          ...process.env,
          DATABASE_URL: dbUrl.toString(),
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'silent',
        },
        stdio: 'inherit',
      },
    );
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while ((await fetch(`${baseUrl}/healthz`).catch(() => undefined))?.ok !== true) {
      if (Date.now() > deadline) throw new Error('the gateway did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const submitted = await fetch(`${baseUrl}/v1/referrals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${enf}`, 'content-type': 'application/json' },
      body: JSON.stringify(transfer()),
    });
    // The files measured here are linked to it afterwards; its own documents are paper-only.
    if (submitted.status !== 201)
      throw new Error(`the submission answered ${submitted.status}: ${await submitted.text()}`);
    const referral = ((await submitted.json()) as { id: string }).id;

    const measure = async (paths: string[], size: number): Promise<Set> => {
      const bytes = paths.length * size;
      const hashes: string[] = [];
      const uploadMs = await timed(() =>
        pool(paths, c, async (path) => {
          const answer = await request(baseUrl, enf, 'POST', '/v1/files', path, size);
          if (answer.status !== 201) throw new Error(`upload answered ${answer.status}: ${answer.text}`);
          hashes.push((JSON.parse(answer.text) as { sha256: string }).sha256);
        }),
      );
      await linkFiles(db, referral, hashes);
      const downloadMs = await timed(() =>
        pool(hashes, c, async (hash) => {
          const answer = await request(baseUrl, police, 'GET', fileDownloadPath(referral, hash));
          if (answer.status !== 200 || answer.bytes !== size)
            throw new Error(`download answered ${answer.status}`);
        }),
      );
      const catMs = await timed(async () => {
        const run = spawnSync('sh', ['-c', 'cat "$@" > /dev/null', 'cat', ...paths]);
        if (run.status !== 0) throw new Error('cat failed');
      });
      return {
        files: paths.length,
        bytes,
        uploadMBps: rate(bytes, uploadMs),
        downloadMBps: rate(bytes, downloadMs),
        catMBps: rate(bytes, catMs),
        ...(await copyRates(dbUrl.toString(), paths, bytes)),
      };
    };
    const oneLarge = await measure(big, 100 * MiB);
    const manySmall = await measure(small, MiB);
    return { mode: 'files', concurrency: c, oneLarge, manySmall };
  } finally {
    gateway?.kill('SIGTERM');
    if (gateway && gateway.exitCode === null) await once(gateway, 'exit');
    await db.destroy().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}
