import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { once } from '../../runtime/exit-on-signal.js';
import { waitFor } from '../helpers/wait.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A process whose `stop` takes `stopMs` (or never ends), armed with exitOnSignal; prints `armed`. */
function armed(options: {
  stopMs: number | 'never';
  timeoutMs: number;
  repeatWindowMs: number;
  /** The process had already failed (as listenOrExit marks it) when the signal came. */
  failed?: boolean;
}) {
  const script = `
    const { exitOnSignal } = await import('./runtime/exit-on-signal.ts');
    const { createLogger } = await import('./runtime/logger.ts');
    const stopMs = ${JSON.stringify(options.stopMs)};
    exitOnSignal({
      log: createLogger('info'),
      timeoutMs: ${options.timeoutMs},
      repeatWindowMs: ${options.repeatWindowMs},
      stop: () => new Promise((resolve) => { if (stopMs !== 'never') setTimeout(resolve, stopMs); }),
    });
    if (${options.failed === true}) process.exitCode = 1;
    setInterval(() => {}, 60_000);
    console.log('armed');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const messages = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line).msg as string);
  return {
    child,
    exited,
    messages,
    ready: () => waitFor(() => output.includes('armed'), 'the child to arm its handlers', 20_000),
  };
}

describe('once', () => {
  it('runs a stop once; a second caller gets the first run', async () => {
    let runs = 0;
    const stop = once(async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    const [a, b] = [stop(), stop()];
    expect(a).toBe(b);
    await a;
    await stop();
    expect(runs).toBe(1);
  });
});

describe('exitOnSignal', () => {
  it('exits with the code of a failure already marked (a port it could not listen on), not 0', async () => {
    const p = armed({ stopMs: 50, timeoutMs: 10_000, repeatWindowMs: 1000, failed: true });
    await p.ready();
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(1);
  });

  it('stops once and exits 0 when the same signal arrives twice at once (npm forwarding Ctrl-C)', async () => {
    const p = armed({ stopMs: 200, timeoutMs: 10_000, repeatWindowMs: 60_000 });
    await p.ready();
    p.child.kill('SIGINT');
    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(0);
    expect(p.messages().filter((m) => m === 'stopping')).toHaveLength(1);
  });

  it('exits 1 at the bound when stopping hangs', async () => {
    const p = armed({ stopMs: 'never', timeoutMs: 300, repeatWindowMs: 1000 });
    await p.ready();
    const sentAt = Date.now();
    p.child.kill('SIGTERM');
    const { code, at } = await p.exited;
    expect(code).toBe(1);
    expect(at - sentAt).toBeGreaterThanOrEqual(300);
    expect(at - sentAt).toBeLessThan(5000);
    expect(p.messages()).toContain('shutdown did not finish in time; exiting');
  });

  it('exits 1 at once on a second signal after the repeat window', async () => {
    const p = armed({ stopMs: 'never', timeoutMs: 60_000, repeatWindowMs: 0 });
    await p.ready();
    p.child.kill('SIGTERM');
    await waitFor(() => p.messages().includes('stopping'), 'the first signal to be taken');
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(1);
    expect(p.messages()).toContain('second signal while stopping; exiting now');
  });
});
