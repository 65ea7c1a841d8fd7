import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_AGENCIES } from '../../db/demo-region.js';
import { agencyGrant } from '../../workers/provision.js';
import { freePort } from '../helpers/free-port.js';
import { cleanBroker } from '../helpers/test-hub.js';
import { waitFor } from '../helpers/wait.js';
import { adminQuery, withDatabase } from '../setup/services.js';

// `npm start` and `npm run workers` as a user runs them, on a database and RabbitMQ names of this file's own: the seed fills the
// empty database with the demo region and creates its agencies' RabbitMQ users under the prefix.
const root = fileURLToPath(new URL('../../', import.meta.url));
const services = inject('services');
const id = randomBytes(5).toString('hex');
const dbName = `hub_test_${id}`;
const prefix = `t${id}.`;
const seen = new Set<number>();

beforeAll(async () => {
  await adminQuery(services.databaseUrl, `CREATE DATABASE ${dbName} TEMPLATE ${services.templateDb}`);
});
afterAll(async () => {
  // Only when a test failed is anything left: SIGKILL what it saw of the trees.
  for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await adminQuery(services.databaseUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  const users = DEMO_AGENCIES.filter((a) => a.delivery === 'amqp').map(
    (a) => agencyGrant(prefix, a.code).user,
  );
  await cleanBroker(services.managementUrl, prefix, users);
});

/** Live (not zombie) processes: pid → parent pid. */
function processTable(): Map<number, number> {
  const table = new Map<number, number>();
  for (const line of execFileSync('ps', ['-e', '-o', 'pid=,ppid=,stat='], { encoding: 'utf8' }).split('\n')) {
    const [pid, ppid, stat] = line.trim().split(/\s+/);
    if (pid && ppid && !stat?.startsWith('Z')) table.set(Number(pid), Number(ppid));
  }
  return table;
}

function descendantsOf(root: number): number[] {
  const table = processTable();
  const found: number[] = [];
  for (let frontier = [root]; frontier.length > 0; ) {
    const children = [...table].filter(([, ppid]) => frontier.includes(ppid)).map(([pid]) => pid);
    found.push(...children);
    frontier = children;
  }
  return found;
}

function alive(pid: number): boolean {
  return pid > 0 && processTable().has(pid);
}

/** Whether something accepts TCP connections on the port. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `npm <args>` as a user types it, on this file's database and names; `ready` polls `url` until it is 200. */
async function runNpm(args: string[], env: Record<string, string>, url: string) {
  let output = '';
  const npm = spawn('npm', args, {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: withDatabase(services.databaseUrl, dbName),
      AMQP_URL: services.amqpUrl,
      RABBITMQ_MANAGEMENT_URL: services.managementUrl,
      AMQP_PREFIX: prefix,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const npmPid = npm.pid ?? 0;
  seen.add(npmPid);
  npm.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  npm.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    npm.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await waitFor(async () => (await fetch(url)).ok, `${url} to answer`, 60_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${output}`);
  });
  // npm, the hub, and whatever they started (tsx, esbuild's service).
  const tree = [npmPid, ...descendantsOf(npmPid)];
  for (const pid of tree) seen.add(pid);
  // Nothing between npm and the hub relays signals: tsx's command line SIGKILLs a child that does not
  // acknowledge a signal within 30 ms (a busy event loop), which skipped the graceful stop under load.
  const commands = tree.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
  expect(commands.filter((c) => /tsx\/dist\/cli|node_modules\/\.bin\/tsx/.test(c))).toEqual([]);
  return { npm, tree, exited, output: () => output };
}

/** SIGTERM to the npm process; resolves with the milliseconds until the port is closed and the tree gone. */
async function stopWithSigterm(run: Awaited<ReturnType<typeof runNpm>>, port: number): Promise<number> {
  const sentAt = Date.now();
  run.npm.kill('SIGTERM');
  const stoppedAt = await waitFor(
    async () => !(await answers(port)) && run.tree.every((pid) => !alive(pid)) && Date.now(),
    'the port to close and every process of the tree to exit',
    10_000,
  ).catch(async (error: Error) => {
    const left = run.tree.filter(alive).join(', ') || 'none';
    const portState = (await answers(port)) ? 'still answers' : 'closed';
    throw new Error(`${error.message}; processes left: ${left}; port ${portState}\n${run.output()}`);
  });
  return stoppedAt - sentAt;
}

describe('SIGTERM to npm', () => {
  it('stops npm start: the port is free and every process of the tree gone within 10 s', async () => {
    const port = await freePort();
    const run = await runNpm(['start'], { PORT: String(port) }, `http://127.0.0.1:${port}/healthz`);
    expect(run.output()).toContain('Demo region 500156 seeded');
    expect(run.tree.length).toBeGreaterThanOrEqual(2);
    expect(await stopWithSigterm(run, port)).toBeLessThan(10_000);
    // The hub stopped gracefully (exit 0, which npm passes on), not by a signal or the bound.
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output()).toContain('referral hub stopped');
  }, 90_000);

  it('stops npm run workers: its health port is free and every process of the tree gone within 10 s', async () => {
    const port = await freePort();
    const run = await runNpm(
      ['run', 'workers'],
      { WORKERS_HEALTH_PORT: String(port) },
      `http://127.0.0.1:${port}/readyz`,
    );
    expect(await stopWithSigterm(run, port)).toBeLessThan(10_000);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output()).toContain('"msg":"workers stopped"');
  }, 90_000);
});
