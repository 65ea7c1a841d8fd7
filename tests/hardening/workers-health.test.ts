import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { waitFor } from '../helpers/wait.js';

let hub: TestHub;

beforeAll(async () => {
  hub = await createTestHub();
});
afterAll(async () => {
  await hub?.close();
});

/** A workers process on the test hub's names, its health server on a port of its own. */
async function startWorkers(env: Record<string, string> = {}) {
  const port = await freePort();
  const child = hub.spawnProcess('workers/main.ts', {
    HOST: '127.0.0.1',
    WORKERS_HEALTH_PORT: String(port),
    ...env,
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return {
      status: response.status,
      body: await response.json(),
      retryAfter: response.headers.get('retry-after'),
    };
  };
  await waitFor(async () => (await get('/healthz')).status === 200, 'the workers to answer /healthz', 30_000);
  return { child, exited, get };
}

async function stop(child: ChildProcess, exited: Promise<number | null>) {
  child.kill('SIGTERM');
  return exited;
}

describe('the workers process health endpoints', () => {
  it('answers /healthz and, with the database and the broker up, /readyz 200; stops on SIGTERM', async () => {
    const workers = await startWorkers();
    expect(await workers.get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await waitFor(
      async () => {
        const r = await workers.get('/readyz');
        return r.status === 200 && r;
      },
      'the workers to be ready',
      30_000,
    );
    expect(ready.body).toEqual({ status: 'ready', database: true, broker: true });
    expect((await workers.get('/nothing')).status).toBe(404);
    expect(await stop(workers.child, workers.exited)).toBe(0);
    await expect(workers.get('/healthz')).rejects.toThrow();
  }, 60_000);

  it('answers /readyz 503 naming the broker while RabbitMQ does not answer, and still stops on SIGTERM', async () => {
    const closed = await freePort();
    const workers = await startWorkers({ AMQP_URL: `amqp://guest:guest@127.0.0.1:${closed}` });
    const r = await workers.get('/readyz');
    expect(r).toEqual({
      status: 503,
      body: { status: 'unavailable', database: true, broker: false },
      retryAfter: '2',
    });
    expect(await stop(workers.child, workers.exited)).toBe(0);
  }, 60_000);

  it('answers /readyz 503 naming the database when it does not answer', async () => {
    const url = new URL(hub.config.DATABASE_URL);
    url.pathname = `/hub_test_missing_${randomBytes(4).toString('hex')}`;
    const workers = await startWorkers({ DATABASE_URL: url.toString() });
    // The broker's state here depends on how far the session's setup gets without a database.
    const r = await workers.get('/readyz');
    expect(r).toMatchObject({
      status: 503,
      body: { status: 'unavailable', database: false },
      retryAfter: '2',
    });
    expect(await stop(workers.child, workers.exited)).toBe(0);
  }, 60_000);
});
