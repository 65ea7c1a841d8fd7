import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A RabbitMQ node of the test's own (its own node name, ports, data and log folders, management plugin
 * on its own port), so that it can be stopped and started while the shared broker serves everything else.
 */
export class OwnRabbit {
  readonly dir = mkdtempSync(join(tmpdir(), 'hub-rmq-'));
  readonly node: string;

  constructor(
    readonly port: number,
    /** 0: no management plugin (a further cluster node). */
    readonly managementPort: number,
  ) {
    this.node = `hubtest${port}@localhost`;
  }

  get amqpUrl(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  get managementUrl(): string {
    return `http://guest:guest@127.0.0.1:${this.managementPort}`;
  }

  private env(): Record<string, string> {
    return {
      HOME: '/var/lib/rabbitmq',
      RABBITMQ_NODENAME: this.node,
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(this.port + 20000),
      RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(this.dir, 'log'),
      RABBITMQ_PID_FILE: join(this.dir, 'pid'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'plugins'),
      RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq.conf'),
    };
  }

  /** Runs a RabbitMQ tool as the rabbitmq user (data folders and the Erlang cookie are that user's). */
  private run(tool: string, args: string[]) {
    const env = Object.entries(this.env()).map(([k, v]) => `${k}=${v}`);
    const asRabbit = process.getuid?.() === 0 ? ['runuser', '-u', 'rabbitmq', '--'] : [];
    const [cmd, ...rest] = [...asRabbit, 'env', ...env, tool, ...args];
    return spawnSync(cmd!, rest, { encoding: 'utf8', timeout: 120_000 });
  }

  async start(): Promise<void> {
    const management = this.managementPort > 0;
    writeFileSync(join(this.dir, 'plugins'), management ? '[rabbitmq_management].\n' : '[].\n');
    writeFileSync(
      join(this.dir, 'rabbitmq.conf'),
      `listeners.tcp.local = 127.0.0.1:${this.port}\n` +
        (management ? `management.tcp.port = ${this.managementPort}\nmanagement.tcp.ip = 127.0.0.1\n` : ''),
    );
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'rabbitmq']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'rabbitmq']).toString().trim());
      for (const f of ['', 'plugins', 'rabbitmq.conf']) chownSync(join(this.dir, f), uid, gid);
    }
    this.run('rabbitmq-server', ['-detached']);
    if (management) {
      await this.waitUntil(
        async () =>
          (await fetch(`http://127.0.0.1:${this.managementPort}/api/whoami`, { headers: auth() })).ok,
      );
    } else {
      await this.waitUntil(
        async () => this.run('rabbitmqctl', ['-n', this.node, 'await_startup']).status === 0,
      );
    }
  }

  /** rabbitmqctl join_cluster: this node becomes a member of `seed`'s cluster. */
  joinCluster(seed: OwnRabbit): void {
    for (const args of [['stop_app'], ['join_cluster', seed.node], ['start_app']]) {
      const r = this.run('rabbitmqctl', ['-n', this.node, ...args]);
      if (r.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} on ${this.node}: ${r.stderr}`);
    }
  }

  stopApp(): void {
    this.run('rabbitmqctl', ['-n', this.node, 'stop_app']);
  }

  startApp(): void {
    this.run('rabbitmqctl', ['-n', this.node, 'start_app']);
  }

  /** The cluster's running nodes, as this node sees them. */
  runningNodes(): string[] {
    const r = this.run('rabbitmqctl', ['-n', this.node, 'cluster_status', '--formatter', 'json']);
    try {
      return (JSON.parse(r.stdout) as { running_nodes: string[] }).running_nodes;
    } catch {
      return [];
    }
  }

  /** Stops the broker application (every connection drops) and starts it again after `downMs`. */
  async bounce(downMs: number): Promise<void> {
    this.stopApp();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.startApp();
    await this.waitUntil(
      async () => (await fetch(`http://127.0.0.1:${this.managementPort}/api/whoami`, { headers: auth() })).ok,
    );
  }

  destroy(): void {
    this.run('rabbitmqctl', ['-n', this.node, 'stop']);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitUntil(probe: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await probe().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`RabbitMQ node ${this.node} did not come up (log in ${this.dir}/log)`);
  }
}

function auth() {
  return { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` };
}
