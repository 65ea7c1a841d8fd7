import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Db, databaseAnswers } from '../db/connection.js';
import type { HubMetrics } from '../runtime/metrics.js';

export type HealthChecks = {
  db: Db;
  /** Whether the AMQP session is connected now (it reconnects by itself). */
  brokerConnected: () => boolean;
  /** The process's metrics, served at /metrics (the relay's, the intake's, the maintenance's). */
  metrics?: HubMetrics;
};

export type HealthServer = { port: number; close(): Promise<void> };

// Below the pool's 5 s connection timeout and a probe's usual timeout: a database that does not answer
// in time is down, and the probe gets its 503 instead of its own timeout.
const DATABASE_PROBE_MS = 2000;

/**
 * The workers process has no gateway: this small server answers liveness (`/healthz`) and readiness
 * (`/readyz`: the database answers and the AMQP session is connected), in the gateway's format.
 */
export async function startHealthServer(
  host: string,
  port: number,
  checks: HealthChecks,
): Promise<HealthServer> {
  const server = createServer((request, response) => {
    answer(request, checks).then(
      ({ status, body, text }) => (text ? sendText(response, text) : send(response, status, body)),
      () => send(response, 500, { status: 'error' }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type Answer = { status: number; body?: unknown; text?: { type: string; body: string } };

async function answer(request: IncomingMessage, checks: HealthChecks): Promise<Answer> {
  const path = new URL(request.url ?? '/', 'http://health').pathname;
  if (request.method !== 'GET') return { status: 405, body: { status: 'method not allowed' } };
  if (path === '/healthz') return { status: 200, body: { status: 'ok' } };
  if (path === '/metrics' && checks.metrics) {
    const registry = checks.metrics.registry;
    return { status: 200, text: { type: registry.contentType, body: await registry.metrics() } };
  }
  if (path !== '/readyz') return { status: 404, body: { status: 'not found' } };
  const database = await databaseAnswers(checks.db, DATABASE_PROBE_MS);
  const broker = checks.brokerConnected();
  const ready = database && broker;
  return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'unavailable', database, broker } };
}

function sendText(response: ServerResponse, text: { type: string; body: string }): void {
  response.writeHead(200, { 'content-type': text.type });
  response.end(text.body);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    ...(status === 503 ? { 'retry-after': '2' } : {}),
  });
  response.end(JSON.stringify(body));
}
