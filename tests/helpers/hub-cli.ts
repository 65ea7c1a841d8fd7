import { spawn } from 'node:child_process';
import type { TestHub } from './test-hub.js';

/** `hub <args…>` as an operator runs it against this test's database and broker prefix. */
export function runHubCli(
  hub: TestHub,
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/hub.ts', ...args], {
      env: {
        ...process.env,
        DATABASE_URL: hub.config.DATABASE_URL,
        AMQP_URL: hub.config.AMQP_URL,
        AMQP_PREFIX: hub.prefix,
      },
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
    child.on('error', reject);
    // 'close', not 'exit': the output is all read by then.
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
