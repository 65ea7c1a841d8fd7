import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DEMO_AGENCIES } from '../../db/demo-region.js';
import { agencyGrant } from '../../workers/provision.js';
import { freePort } from '../helpers/free-port.js';
import { cleanBroker } from '../helpers/test-hub.js';
import { waitFor } from '../helpers/wait.js';
import { adminQuery, withDatabase } from '../setup/services.js';

// `npm start` as a user runs it, on a database and RabbitMQ names of this file's own: the seed fills the
// empty database with the demo region and creates its agencies' RabbitMQ users under the prefix.
const root = fileURLToPath(new URL('../../', import.meta.url));
const services = inject('services');
const id = randomBytes(5).toString('hex');
const dbName = `hub_test_${id}`;
const prefix = `t${id}.`;
const seen = new Set<number>();
let npm: ChildProcess | undefined;

afterAll(async () => {
  // Only when the test failed is anything left: SIGKILL what it saw of the tree.
  for (const pid of [...seen, npm?.pid ?? 0]) if (alive(pid)) process.kill(pid, 'SIGKILL');
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

describe('npm start', () => {
  it('stops the hub and frees the port within 10 s of SIGTERM to the npm process', async () => {
    await adminQuery(services.databaseUrl, `CREATE DATABASE ${dbName} TEMPLATE ${services.templateDb}`);
    const port = await freePort();
    let output = '';
    npm = spawn('npm', ['start'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: withDatabase(services.databaseUrl, dbName),
        AMQP_URL: services.amqpUrl,
        RABBITMQ_MANAGEMENT_URL: services.managementUrl,
        AMQP_PREFIX: prefix,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    npm.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      npm?.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const npmPid = npm.pid ?? 0;

    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
      'the hub to answer /healthz',
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    expect(output).toContain('Demo region 500156 seeded');
    // npm, the hub, and whatever they started (esbuild's service for tsx).
    const tree = [npmPid, ...descendantsOf(npmPid)];
    for (const pid of tree) seen.add(pid);
    expect(tree.length).toBeGreaterThanOrEqual(2);

    const sentAt = Date.now();
    npm.kill('SIGTERM');
    const stopped = await waitFor(
      async () => !(await answers(port)) && tree.every((pid) => !alive(pid)) && Date.now(),
      'the port to close and every process of the tree to exit',
      10_000,
    ).catch(async (error: Error) => {
      const left = tree.filter(alive).join(', ') || 'none';
      const portState = (await answers(port)) ? 'still answers' : 'closed';
      throw new Error(`${error.message}; processes left: ${left}; port ${portState}\n${output}`);
    });
    expect(stopped - sentAt).toBeLessThan(10_000);
    // The hub stopped gracefully (exit 0, which npm passes on), not by a signal or the bound.
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output).toContain('referral hub stopped');
  }, 90_000);
});
