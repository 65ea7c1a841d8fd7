import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PostgreSQL instance of the test's own (initdb and pg_ctl in a temporary folder, its own port), so that
 * it can be stopped and restarted while the shared server stays up for everything else.
 */
export class OwnPostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'hub-pg-'));
  private readonly bin: string;

  constructor(readonly port: number) {
    const version = readdirSync('/usr/lib/postgresql')
      .sort((a, b) => Number(a) - Number(b))
      .at(-1);
    this.bin = `/usr/lib/postgresql/${version}/bin`;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private run(tool: string, args: string[]) {
    // PostgreSQL refuses to run as root: the server runs as the postgres user, as Debian installs it.
    const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
    const [cmd, ...rest] = [...asPostgres, `${this.bin}/${tool}`, ...args];
    execFileSync(cmd!, rest, { stdio: 'ignore' });
  }

  init(): void {
    if (process.getuid?.() === 0) {
      const { uid, gid } = userIds('postgres');
      chownSync(this.dir, uid, gid);
    }
    this.run('initdb', ['-D', join(this.dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    this.start();
  }

  start(): void {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    this.run('pg_ctl', [
      '-D',
      join(this.dir, 'data'),
      '-o',
      options,
      '-l',
      join(this.dir, 'log'),
      '-w',
      'start',
    ]);
  }

  stop(): void {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  }

  destroy(): void {
    try {
      this.stop();
    } catch {}
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function userIds(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', name]).toString().trim());
  return { uid, gid };
}
