import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AgencyKindSchema, RegionCodeSchema } from '../../schemas/agency.js';
import type { GatewayDeps } from '../app.js';
import { requireAgency } from '../auth.js';

const DirectoryQuery = z.strictObject({
  kind: AgencyKindSchema.optional(),
  region: RegionCodeSchema.optional(),
});

/** The agency directory: every agency may look up where to send a referral. */
export function agencyRoutes(deps: GatewayDeps): FastifyPluginAsyncZod {
  return async (app) => {
    requireAgency(app, deps.authenticate);
    app.get(
      '/v1/agencies',
      { schema: { tags: ['agencies'], summary: 'The agency directory', querystring: DirectoryQuery } },
      async (request) => {
        const all = await deps.directory.list();
        const agencies = all
          .filter((a) => !request.query.kind || a.kind === request.query.kind)
          .filter((a) => !request.query.region || a.region === request.query.region)
          .sort((a, b) => (a.code < b.code ? -1 : 1))
          .map(({ code, name, kind, region, parent, delivery }) => ({
            code,
            name,
            kind,
            region,
            parent,
            delivery,
          }));
        return { agencies };
      },
    );
  };
}
