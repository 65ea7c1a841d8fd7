import type { FastifyPluginAsync } from 'fastify';
import { databaseAnswers } from '../../db/connection.js';
import { listHubKeys } from '../../db/hub-keys.js';
import { buildAsyncApi } from '../../schemas/asyncapi.js';
import { provisionalYearsAhead } from '../../schemas/calendar.js';
import type { GatewayDeps } from '../app.js';

/**
 * Liveness, readiness (database and broker) and Prometheus metrics; no authentication. Readiness also
 * names the years ahead without the State Council's notice, as a detail: the hub counts them provisionally
 * and stays ready.
 */
export function opsRoutes(deps: GatewayDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const [database, broker] = await Promise.all([
        databaseAnswers(deps.db),
        deps.brokerReady ? deps.brokerReady().catch(() => false) : Promise.resolve(true),
      ]);
      const ready = database && broker;
      if (!ready) reply.status(503).header('retry-after', '2');
      // Loaded years come from the database: without it, the calendar last loaded (or the shipped one).
      const calendar = database
        ? await deps.policy.calendar().catch(() => deps.policy.lastCalendar())
        : deps.policy.lastCalendar();
      const provisionalYears = provisionalYearsAhead(calendar, deps.clock());
      return { status: ready ? 'ready' : 'unavailable', database, broker, calendar: { provisionalYears } };
    });

    // Issue 15: the hub's public keys, current and earlier, to check its messages and statements offline.
    app.get(
      '/v1/hub-keys',
      { schema: { tags: ['evidence'], summary: "The hub's public signing keys (SPKI PEM), oldest first" } },
      async () => ({ current: deps.signer.keyId, keys: await listHubKeys(deps.db) }),
    );

    const asyncApi = buildAsyncApi(deps.config);
    app.get('/docs/asyncapi.json', { schema: { hide: true } }, async () => asyncApi);

    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });
  };
}
