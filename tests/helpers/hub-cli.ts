import { spawn } from 'node:child_process';
import type { TestHub } from './test-hub.js';

export type Ran = { status: number | null; stdout: string; stderr: string };

/**
 * `node --import tsx <args…>` from the project's folder with `env` over this process's environment, run to
 * its end (killed after `timeoutMs`): its exit status and all it printed.
 */
export function runNode(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: new URL('../../', import.meta.url).pathname,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (data: string) => {
      stdout += data;
    });
    child.stderr.setEncoding('utf8').on('data', (data: string) => {
      stderr += data;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    // 'close', not 'exit': the output is all read by then.
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** `hub <args…>` as an operator runs it against this test's database and broker prefix. */
export function runHubCli(hub: TestHub, ...args: string[]): Promise<Ran> {
  return runNode(['bin/hub.ts', ...args], {
    DATABASE_URL: hub.config.DATABASE_URL,
    AMQP_URL: hub.config.AMQP_URL,
    AMQP_PREFIX: hub.prefix,
  });
}
