import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenFailure } from '../runtime/listen.js';
import { runNode } from './helpers/hub-cli.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';

let hub: TestHub;
let taken: Server;
let port: number;

beforeAll(async () => {
  hub = await createTestHub();
  // A port another process (here: this one) listens on.
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  port = (taken.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => taken.close(resolve));
  await hub?.close();
});

/** Runs a hub entry point to its end against this file's hub; its exit status and what it printed. */
function run(args: string[], env: Record<string, string>) {
  return runNode(
    args,
    {
      DATABASE_URL: hub.config.DATABASE_URL,
      AMQP_URL: hub.config.AMQP_URL,
      AMQP_PREFIX: hub.prefix,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      ...env,
    },
    30_000,
  );
}

describe('a port already taken', () => {
  it('is named in one line, with the setting to change, by the gateway, the workers and hub start', async () => {
    const cases: { args: string[]; env: Record<string, string>; setting: string }[] = [
      { args: ['gateway/main.ts'], env: { PORT: String(port) }, setting: 'PORT' },
      {
        args: ['workers/main.ts'],
        env: { WORKERS_HEALTH_PORT: String(port) },
        setting: 'WORKERS_HEALTH_PORT',
      },
      {
        args: ['bin/hub.ts', 'start'],
        env: { PORT: String(port) },
        setting: 'PORT',
      },
    ];
    for (const { args, env, setting } of cases) {
      const { status, stderr } = await run(args, env);
      expect({ args, status }).toEqual({ args, status: 1 });
      expect(stderr.trim()).toBe(
        `cannot listen on 127.0.0.1:${port}: another process listens there; stop it, or set ${setting} to a free port`,
      );
    }
  }, 120_000);
});

describe('listenFailure', () => {
  it('names what an operator can change, and leaves other failures to be thrown as they are', () => {
    const place = { host: '10.9.8.7', port: 80, setting: 'PORT' as const };
    const failure = (code: string) => Object.assign(new Error(code), { code });
    expect(listenFailure(failure('EACCES'), place)).toMatch(/^cannot listen on 10\.9\.8\.7:80: .*set PORT/);
    expect(listenFailure(failure('EADDRNOTAVAIL'), place)).toMatch(
      /10\.9\.8\.7 is not an address .*set HOST/,
    );
    expect(listenFailure(failure('EADDRINUSE'), { ...place, host: '::' })).toMatch(
      /^cannot listen on \[::\]:80: /,
    );
    expect(listenFailure(failure('ECONNRESET'), place)).toBeUndefined();
    expect(listenFailure(new Error('no code'), place)).toBeUndefined();
  });
});
