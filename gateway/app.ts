import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { CommandPath } from '../db/command-path.js';
import type { Db } from '../db/connection.js';
import type { AgencyDirectory, DirectoryAgency } from '../db/directory.js';
import type { FileStore } from '../db/file-store.js';
import { createPgFileStore } from '../db/pg-file-store.js';
import { RegionPolicy } from '../db/region-policy.js';
import { createCommandPath } from '../runtime/commands.js';
import { type HubSigner, hubSignerWhenReady } from '../runtime/hub-signer.js';
import type { Logger } from '../runtime/logger.js';
import type { HubMetrics } from '../runtime/metrics.js';
import type { Config } from '../schemas/config.js';
import { LABELS } from '../schemas/labels.js';
import { declareResponses } from './api-responses.js';
import { type Authenticate, createAuthenticator } from './auth.js';
import { keepSentBodies } from './command-route.js';
import { registerErrorHandling } from './errors.js';
import { registerJsonBody } from './json-body.js';
import { agencyRoutes } from './routes/agencies.js';
import { briefingRoutes } from './routes/briefings.js';
import { coordinationRoutes } from './routes/coordination.js';
import { evidenceRoutes } from './routes/evidence.js';
import { fileRoutes } from './routes/files.js';
import { inboxRoutes } from './routes/inbox.js';
import { opsRoutes } from './routes/ops.js';
import { referralRoutes } from './routes/referrals.js';

const DASHBOARD_HTML = readFileSync(new URL('./pages/dashboard.html', import.meta.url), 'utf8').replace(
  '/*LABELS*/{}',
  // `<` escaped so that no label can close the script element.
  JSON.stringify(LABELS).replaceAll('<', '\\u003c'),
);

export type GatewayDeps = {
  config: Config;
  db: Db;
  directory: AgencyDirectory;
  policy: RegionPolicy;
  /** The one command path (shared with the workers when they run in the same process). */
  commands: CommandPath;
  metrics: HubMetrics;
  log: Logger;
  clock: () => Date;
  authenticate: Authenticate;
  /** Where case files live (PostgreSQL unless another store is given). */
  files: FileStore;
  brokerReady?: () => Promise<boolean>;
  /** The hub's seal: inbox items carry its signature; its public keys are published. */
  signer: () => Promise<HubSigner>;
};

export type AppOptions = Omit<
  GatewayDeps,
  'authenticate' | 'clock' | 'policy' | 'commands' | 'files' | 'signer'
> & {
  signer?: HubSigner;
  clock?: () => Date;
  policy?: RegionPolicy;
  commands?: CommandPath;
  files?: FileStore;
};

/** Builds the gateway without listening, so that tests inject requests and run many apps side by side. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? (() => new Date());
  const policy = options.policy ?? new RegionPolicy(options.db);
  // The PostgreSQL file store has pools of its own for file traffic, closed with the app.
  const ownStore = options.files
    ? undefined
    : createPgFileStore({
        db: options.db,
        databaseUrl: options.config.DATABASE_URL,
        uploadSlots: options.config.FILE_UPLOAD_SLOTS,
        downloadConnections: options.config.FILE_DOWNLOAD_CONNECTIONS,
      });
  const deps: GatewayDeps = {
    ...options,
    clock,
    policy,
    commands:
      options.commands ??
      createCommandPath({
        db: options.db,
        directory: options.directory,
        policy,
        clock,
        metrics: options.metrics,
        config: options.config,
      }),
    authenticate: createAuthenticator(options.db, options.directory, options.config.RATE_LIMIT_PER_SECOND),
    files: options.files ?? ownStore!,
    signer: hubSignerWhenReady(options.db, options.config, options.signer),
  };
  const app = Fastify({
    loggerInstance: options.log as FastifyBaseLogger,
    bodyLimit: options.config.BODY_LIMIT_BYTES,
    // Request logs carry method, url and status only: never bodies (personal data).
    logController: new LogController({ disableRequestLogging: true }),
  });
  // Only JSON bodies: anything else is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  registerJsonBody(app);
  app.decorateRequest('agency', null as unknown as DirectoryAgency);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  keepSentBodies(app);
  if (ownStore) app.addHook('onClose', async () => ownStore.close());
  if (!options.commands) app.addHook('onClose', async () => deps.commands.close());

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    deps.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    request.log.debug({ method: request.method, route, status: reply.statusCode }, 'request');
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Referral hub (两法衔接)',
        version: '1',
        description:
          'Referrals between enforcement agencies, police, procuratorate and supervision commissions',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (document) =>
      'openapiObject' in document ? declareResponses(document.openapiObject) : document.swaggerObject,
  });
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(opsRoutes(deps));
  await app.register(referralRoutes(deps));
  await app.register(evidenceRoutes(deps));
  await app.register(inboxRoutes(deps));
  await app.register(agencyRoutes(deps));
  await app.register(briefingRoutes(deps));
  await app.register(coordinationRoutes(deps));
  await app.register(fileRoutes(deps));
  app.get('/dashboard', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', 'text/html; charset=utf-8');
    return DASHBOARD_HTML;
  });
  return app;
}
