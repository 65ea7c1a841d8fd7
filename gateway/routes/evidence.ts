import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { evidenceOf } from '../../db/evidence.js';
import { listHubKeys } from '../../db/hub-keys.js';
import { recordRead } from '../../db/read-audit.js';
import { readReferral } from '../../db/referrals.js';
import { StatementTrees } from '../../db/seals.js';
import { HubError } from '../../schemas/errors.js';
import { rolesOf } from '../../schemas/referral-state.js';
import { RowIdSchema } from '../../schemas/row-id.js';
import { canSee } from '../../schemas/visibility.js';
import type { GatewayDeps } from '../app.js';
import { requireAgency } from '../auth.js';

/** Issue 15: a referral's record as one file that stands without the hub (`hub evidence verify FILE`). */
export function evidenceRoutes(deps: GatewayDeps): FastifyPluginAsyncZod {
  // The latest statement's tree, for every download under it (the first builds it).
  const trees = new StatementTrees(1, () => deps.metrics.statementTrees.inc());
  return async (app) => {
    requireAgency(app, deps.authenticate);

    // The hub's public keys, current and earlier, to check its messages and statements offline.
    app.get(
      '/v1/hub-keys',
      { schema: { tags: ['evidence'], summary: "The hub's public signing keys (SPKI PEM), oldest first" } },
      async () => ({ current: (await deps.signer()).keyId, keys: await listHubKeys(deps.db) }),
    );

    app.get(
      '/v1/referrals/:id/evidence',
      {
        schema: {
          tags: ['evidence'],
          summary:
            "A referral's evidence file: every ledger event with its signatures, the keys, the hub's sealed statement with the inclusion proof, sealed by the hub (parties, the region's procuratorate and coordinator)",
          params: z.strictObject({ id: z.uuid() }),
          querystring: z.strictObject({
            statement: RowIdSchema.optional(),
          }),
        },
      },
      async (request, reply) => {
        const agency = request.agency;
        const id = request.params.id;
        const view = await readReferral(deps.db, id);
        if (!view || !canSee(await deps.directory.scope(agency), view)) {
          throw new HubError('REFERRAL_NOT_FOUND', undefined, { referralId: id });
        }
        const party =
          rolesOf(view.parties, agency.code).length > 0 || view.participants.includes(agency.code);
        const overseer =
          ['procuratorate', 'coordinator'].includes(agency.kind) && agency.region === view.region;
        if (!party && !overseer) {
          throw new HubError(
            'ACTOR_NOT_PERMITTED',
            "the evidence file is for the parties and the region's procuratorate and coordinator",
          );
        }
        await recordRead(deps.db, id, agency.code, 'evidence');
        const evidence = await evidenceOf(deps.db, id, deps.clock(), request.query.statement, trees);
        if (request.query.statement !== undefined && !evidence.statement) {
          throw new HubError('VALIDATION_FAILED', 'no such statement covers this referral', {
            path: 'statement',
          });
        }
        reply.header('content-disposition', `attachment; filename="evidence-${id}.json"`);
        return { ...evidence, seal: (await deps.signer()).signJson(evidence) };
      },
    );
  };
}
