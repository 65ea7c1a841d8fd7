import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listBriefings } from '../../db/briefings.js';
import { BriefingSchema } from '../../schemas/actions.js';
import { lineText } from '../../schemas/text.js';
import type { GatewayDeps } from '../app.js';
import { requireAgency } from '../auth.js';
import { runCommand } from '../command-route.js';

const ListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

/** 案情通报 without a referral; a briefing about a referral is the `brief` action on that referral. */
export function briefingRoutes(deps: GatewayDeps): FastifyPluginAsyncZod {
  return async (app) => {
    requireAgency(app, deps.authenticate);

    app.post(
      '/v1/briefings',
      {
        schema: {
          tags: ['briefings'],
          summary: 'Send a case briefing (案情通报) to a set of agencies',
          headers: z.object({
            'idempotency-key': lineText(200).optional(),
            'command-signature': lineText(400).optional(),
          }),
          body: BriefingSchema,
        },
      },
      async (request, reply) => runCommand(deps, request, reply, { type: 'brief', briefing: request.body }),
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
      async (request) => ({
        briefings: await listBriefings(deps.db, request.agency.code, request.query.limit),
      }),
    );
  };
}
