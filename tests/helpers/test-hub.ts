import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage, type GetMessage } from 'amqplib';
import { inject } from 'vitest';
import { composeHub, type Hub } from '../../bin/compose.js';
import { issueApiKey, upsertAgency } from '../../db/agencies.js';
import { createDb, type Db, migrateToLatest } from '../../db/connection.js';
import { createLogger, type Logger } from '../../runtime/logger.js';
import { hubTopology, inboxQueue } from '../../schemas/amqp-topology.js';
import { type Config, parseConfig } from '../../schemas/config.js';
import {
  agencyGrant,
  deleteAmqpUser,
  firstUrl,
  management,
  provisionAmqpUser,
  vhostOf,
} from '../../workers/provision.js';
import { adminQuery, withDatabase } from '../setup/services.js';
import { TEST_AGENCIES } from './fixtures.js';
import { waitFor } from './wait.js';

export type Received = { envelope: Record<string, any>; message: ConsumeMessage };

export type TestHub = Hub & {
  config: Config;
  prefix: string;
  keys: Record<string, string>;
  amqpUsers: Record<string, { user: string; password: string }>;
  /** HTTP request as an agency (by code), or with no key when `as` is null. */
  request(
    as: string | null,
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  /** An agency system: connects as the agency's own RabbitMQ user. */
  agencyConnection(code: string): Promise<ChannelModel>;
  /** Consumes the agency's inbox queue, acking each message, collecting what arrives. */
  consumeInbox(
    code: string,
    onMessage?: (r: Received) => void | Promise<void>,
  ): Promise<{ received: Received[]; close(): Promise<void> }>;
  /**
   * One collecting consumer of the agency's inbox for the whole file (started on first use): what the
   * agency's system has received so far.
   */
  inbox(code: string): Promise<{ received: Received[] }>;
  /** Publishes a command to hub.commands as the agency (user_id set to its RabbitMQ user). */
  sendCommand(
    code: string,
    envelope: unknown,
    options?: { userId?: string; raw?: Buffer; messageId?: string },
  ): Promise<void>;
  /**
   * Another hub process (`workers/main.ts`, `gateway/main.ts`) on this hub's database and names; silent
   * unless `HUB_PROCESS_LOGS` is set; killed at `close` if still running.
   */
  spawnProcess(entry: string, env?: Record<string, string>): ChildProcess;
  /** Reads the dead-letter queue without consuming it for good (get + ack). */
  drainDeadLetters(): Promise<GetMessage[]>;
  close(): Promise<void>;
};

/**
 * A whole hub for one test file: its own database cloned from the migrated template, its own RabbitMQ
 * prefix and agency users, the gateway (inject) and the workers; `close` leaves nothing behind.
 */
export async function createTestHub(
  options: {
    clock?: () => Date;
    agencies?: typeof TEST_AGENCIES;
    env?: Record<string, string>;
    log?: Logger;
    /** Another PostgreSQL server (its admin URL) to use instead of the shared one; migrated from scratch. */
    server?: string;
    /** Where the simulated agency systems connect (default: the first address of AMQP_URL). */
    agencyAmqpUrl?: string;
  } = {},
): Promise<TestHub> {
  const services = inject('services');
  const id = randomBytes(5).toString('hex');
  const dbName = `hub_test_${id}`;
  const prefix = `t${id}.`;
  const server = options.server ?? services.databaseUrl;
  if (options.server) await adminQuery(server, `CREATE DATABASE ${dbName}`);
  else await adminQuery(server, `CREATE DATABASE ${dbName} TEMPLATE ${services.templateDb}`);
  const parsed = parseConfig({
    DATABASE_URL: withDatabase(server, dbName),
    AMQP_URL: services.amqpUrl,
    RABBITMQ_MANAGEMENT_URL: services.managementUrl,
    AMQP_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '10',
    ...options.env,
  });
  if (!parsed.ok) throw new Error(parsed.message);
  const config = parsed.value;
  const db: Db = createDb(config.DATABASE_URL, config.DB_POOL_SIZE);
  if (options.server) await migrateToLatest(db);
  const keys: Record<string, string> = {};
  const amqpUsers: Record<string, { user: string; password: string }> = {};
  for (const agency of options.agencies ?? TEST_AGENCIES) {
    let user: string | null = null;
    if (agency.delivery === 'amqp') {
      const grant = await provisionAmqpUser(
        config.RABBITMQ_MANAGEMENT_URL,
        agencyGrant(prefix, agency.code, vhostOf(config.AMQP_URL)),
      );
      amqpUsers[agency.code] = { user: grant.user, password: grant.password };
      user = grant.user;
    }
    await upsertAgency(db, agency, user);
    keys[agency.code] = (await issueApiKey(db, agency.code)).key;
  }
  const hub = await composeHub(config, {
    db,
    log: options.log ?? createLogger('silent'),
    clock: options.clock,
  });
  const connections: ChannelModel[] = [];
  const children = new Set<ChildProcess>();
  // One publishing channel per agency, opened on first use.
  const commandChannels = new Map<string, ConfirmChannel>();

  const agencyConnection = async (code: string) => {
    const credentials = amqpUsers[code];
    if (!credentials) throw new Error(`${code} has no RabbitMQ user`);
    const url = new URL(options.agencyAmqpUrl ?? firstUrl(config.AMQP_URL));
    url.username = encodeURIComponent(credentials.user);
    url.password = encodeURIComponent(credentials.password);
    const connection = await amqp.connect(url.toString());
    connections.push(connection);
    return connection;
  };

  const inboxes = new Map<string, Promise<{ received: Received[] }>>();

  const testHub: TestHub = {
    ...hub,
    config,
    prefix,
    keys,
    amqpUsers,
    async request(as, method, url, body, headers = {}) {
      const response = await hub.app.inject({
        method: method as 'GET',
        url,
        headers: { ...(as ? { authorization: `Bearer ${keys[as]}` } : {}), ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      const text = response.body;
      let parsedBody: unknown = text;
      try {
        parsedBody = JSON.parse(text);
      } catch {}
      return { status: response.statusCode, body: parsedBody, headers: response.headers };
    },
    agencyConnection,
    async consumeInbox(code, onMessage) {
      const connection = await agencyConnection(code);
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      const received: Received[] = [];
      await channel.consume(inboxQueue(prefix, code, 1).name, (message) => {
        if (!message) return;
        const r = { envelope: JSON.parse(message.content.toString()), message };
        received.push(r);
        // Acked only after the agency has handled it (and sent its answer): at-least-once, as in life.
        // A handler that failed, or a channel that closed meanwhile, leaves it unacked for redelivery.
        void Promise.resolve()
          .then(() => onMessage?.(r))
          .then(
            () => channel.ack(message),
            () => {},
          )
          .catch(() => {});
      });
      return { received, close: () => channel.close().catch(() => {}) };
    },
    inbox(code) {
      let inbox = inboxes.get(code);
      if (!inbox) {
        inbox = testHub.consumeInbox(code);
        inboxes.set(code, inbox);
      }
      return inbox;
    },
    async sendCommand(code, envelope, sendOptions = {}) {
      let channel = commandChannels.get(code);
      if (!channel) {
        const opened = await (await agencyConnection(code)).createConfirmChannel();
        // A broker restart closes it: the next command opens a new one.
        opened.on('close', () => commandChannels.get(code) === opened && commandChannels.delete(code));
        opened.on('error', () => {});
        commandChannels.set(code, opened);
        channel = opened;
      }
      const body = sendOptions.raw ?? Buffer.from(JSON.stringify(envelope));
      const messageId = sendOptions.messageId ?? (envelope as { messageId?: string })?.messageId;
      channel.publish(hubTopology(prefix, 1).names.commands, '', body, {
        persistent: true,
        contentType: 'application/json',
        userId: sendOptions.userId ?? amqpUsers[code]?.user,
        ...(messageId ? { messageId } : {}),
      });
      await channel.waitForConfirms();
    },
    spawnProcess(entry, env = {}) {
      const child = spawn(process.execPath, ['--import', 'tsx', entry], {
        env: {
          ...process.env,
          DATABASE_URL: config.DATABASE_URL,
          AMQP_URL: config.AMQP_URL,
          AMQP_PREFIX: prefix,
          LOG_LEVEL: process.env.HUB_PROCESS_LOGS ? 'info' : 'silent',
          // Several workers processes run side by side (and beside other test runs): each takes a free port.
          WORKERS_HEALTH_PORT: '0',
          ...env,
        },
        stdio: process.env.HUB_PROCESS_LOGS ? 'inherit' : 'ignore',
      });
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    },
    async drainDeadLetters() {
      const connection = await amqp.connect(firstUrl(config.AMQP_URL));
      connections.push(connection);
      const channel = await connection.createChannel();
      const messages: GetMessage[] = [];
      for (;;) {
        const message = await channel.get(hubTopology(prefix, 1).names.dead);
        if (!message) break;
        messages.push(message);
        channel.ack(message);
      }
      await channel.close();
      return messages;
    },
    async close() {
      for (const child of children) child.kill('SIGKILL');
      await hub.stop();
      for (const connection of connections) await connection.close().catch(() => {});
      await db.destroy();
      await cleanBroker(
        config.RABBITMQ_MANAGEMENT_URL,
        prefix,
        Object.values(amqpUsers).map((u) => u.user),
      );
      await adminQuery(server, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    },
  };
  return testHub;
}

/** Deletes every queue and exchange under the prefix and the agency users. */
export async function cleanBroker(managementUrl: string, prefix: string, users: string[]): Promise<void> {
  const queues = (await management(managementUrl, 'GET', '/api/queues?columns=name,vhost')) as {
    name: string;
    vhost: string;
  }[];
  for (const q of queues.filter((q) => q.name.startsWith(prefix))) {
    await management(
      managementUrl,
      'DELETE',
      `/api/queues/${encodeURIComponent(q.vhost)}/${encodeURIComponent(q.name)}`,
      undefined,
      [404],
    );
  }
  const exchanges = (await management(managementUrl, 'GET', '/api/exchanges?columns=name,vhost')) as {
    name: string;
    vhost: string;
  }[];
  for (const e of exchanges.filter((e) => e.name.startsWith(prefix))) {
    await management(
      managementUrl,
      'DELETE',
      `/api/exchanges/${encodeURIComponent(e.vhost)}/${encodeURIComponent(e.name)}`,
      undefined,
      [404],
    );
  }
  for (const user of users) await deleteAmqpUser(managementUrl, user);
}

export { waitFor };
