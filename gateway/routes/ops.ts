import type { FastifyPluginAsync } from 'fastify';
import { databaseAnswers } from '../../db/connection.js';
import { buildAsyncApi } from '../../schemas/asyncapi.js';
import type { GatewayDeps } from '../app.js';

/** Liveness, readiness (database and broker) and Prometheus metrics; no authentication. */
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
      return { status: ready ? 'ready' : 'unavailable', database, broker };
    });

    const asyncApi = buildAsyncApi(deps.config);
    app.get('/docs/asyncapi.json', { schema: { hide: true } }, async () => asyncApi);

    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });
  };
}
