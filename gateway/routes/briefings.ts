import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { applyCommand } from '../../db/command-path.js';
import { canonicalJson, sha256Hex } from '../../db/ledger-hash.js';
import { BriefingSchema } from '../../schemas/actions.js';
import { HubError } from '../../schemas/errors.js';
import { lineText } from '../../schemas/text.js';
import type { GatewayDeps } from '../app.js';

const ListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

/** 案情通报 without a referral; a briefing about a referral is the `brief` action on that referral. */
export function briefingRoutes(deps: GatewayDeps): FastifyPluginAsyncZod {
  const ctx = { db: deps.db, directory: deps.directory, clock: deps.clock, policy: deps.policy };
  return async (app) => {
    app.addHook('onRequest', deps.authenticate);

    app.post(
      '/v1/briefings',
      {
        schema: {
          tags: ['briefings'],
          summary: 'Send a case briefing (案情通报) to a set of agencies',
          headers: z.object({ 'idempotency-key': lineText(200).optional() }),
          body: BriefingSchema,
        },
      },
      async (request, reply) => {
        const key = request.headers['idempotency-key'];
        const dedup = key
          ? {
              via: 'http' as const,
              key,
              requestHash: sha256Hex(`POST /v1/briefings ${canonicalJson(request.body)}`),
            }
          : undefined;
        const outcome = await applyCommand(
          ctx,
          request.agency!,
          { type: 'brief', briefing: request.body },
          { dedup },
        );
        if (outcome.status === 'duplicate')
          throw new HubError('INTERNAL', 'an HTTP command has no message id');
        deps.onCommitted?.();
        if (outcome.status === 'replayed') reply.header('idempotent-replayed', 'true');
        reply.status(outcome.statusCode);
        return outcome.body;
      },
    );

    app.get(
      '/v1/briefings',
      {
        schema: {
          tags: ['briefings'],
          summary: 'Briefings the caller sent or received, newest first',
          querystring: ListQuery,
        },
      },
      async (request) => {
        const code = request.agency!.code;
        const rows = await deps.db
          .selectFrom('briefings')
          .selectAll()
          .where((eb) => eb.or([eb('sender_code', '=', code), sql<boolean>`${code} = ANY(recipient_codes)`]))
          .orderBy('created_at', 'desc')
          .limit(request.query.limit)
          .execute();
        return {
          briefings: rows.map((r) => ({
            id: r.id,
            sender: r.sender_code,
            referralId: r.referral_id,
            subject: r.subject,
            body: r.body,
            recipients: r.recipient_codes,
            createdAt: r.created_at.toISOString(),
          })),
        };
      },
    );
  };
}
