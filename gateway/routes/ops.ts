import type { FastifyPluginAsync } from 'fastify';
import { databaseAnswers } from '../../db/connection.js';
import { buildAsyncApi } from '../../schemas/asyncapi.js';
import { provisionalYearsAhead } from '../../schemas/calendar.js';
import type { GatewayDeps } from '../app.js';
import { FAVICON_SVG } from '../pages/favicon.js';

/**
 * Liveness, readiness (database and broker), Prometheus metrics and the pages' icon; no authentication. Readiness also
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

    const asyncApi = buildAsyncApi(deps.config);
    app.get('/docs/asyncapi.json', { schema: { hide: true } }, async () => asyncApi);

    app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) => {
      reply.header('content-type', 'image/svg+xml').header('cache-control', 'public, max-age=86400');
      return FAVICON_SVG;
    });

    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });
  };
}
