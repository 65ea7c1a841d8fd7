import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DirectoryAgency } from '../../db/directory.js';
import { filesOf } from '../../db/files.js';
import { verifyChain } from '../../db/ledger.js';
import { deliveryRecord } from '../../db/outbox.js';
import { readsOf, recordRead } from '../../db/read-audit.js';
import { listReferrals } from '../../db/referral-list.js';
import { readReferral } from '../../db/referrals.js';
import { ActionCommandSchema } from '../../schemas/actions.js';
import { AgencyCodeSchema } from '../../schemas/agency.js';
import { HubError } from '../../schemas/errors.js';
import { fileDownloadPath } from '../../schemas/files.js';
import { allowedActions, StateSchema } from '../../schemas/lifecycle.js';
import { queryTime } from '../../schemas/query-time.js';
import { ReferralKindSchema, SubmissionSchema } from '../../schemas/referral.js';
import { rolesOf } from '../../schemas/referral-state.js';
import { lineText, optionalLineText } from '../../schemas/text.js';
import { canSee, tookPart } from '../../schemas/visibility.js';
import type { GatewayDeps } from '../app.js';
import { requireAgency } from '../auth.js';
import { runCommand } from '../command-route.js';

const IdParams = z.strictObject({ id: z.uuid() });
const ListQuery = z.strictObject({
  kind: ReferralKindSchema.optional(),
  state: StateSchema.optional(),
  role: z.enum(['sent', 'received', 'copied']).optional(),
  counterparty: AgencyCodeSchema.optional(),
  from: queryTime('from').optional(),
  to: queryTime('to').optional(),
  cursor: optionalLineText(200),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const IdempotencyHeaders = z.object({
  'idempotency-key': lineText(200).optional(),
  /** Issue 15: `alg=sm2, keyId=…, signature=…` over the RFC 8785 JSON of `{method, path, idempotencyKey, body}`. */
  'command-signature': lineText(400).optional(),
});

export function referralRoutes(deps: GatewayDeps): FastifyPluginAsyncZod {
  /** The referral if the caller may see it; the read is recorded before anything is returned. */
  async function visibleReferral(agency: DirectoryAgency, id: string, what: 'view' | 'verify' | 'reads') {
    const view = await readReferral(deps.db, id);
    if (!view || !canSee(await deps.directory.scope(agency), view)) {
      throw new HubError('REFERRAL_NOT_FOUND', undefined, { referralId: id });
    }
    await recordRead(deps.db, id, agency.code, what);
    return view;
  }

  return async (app) => {
    requireAgency(app, deps.authenticate);

    app.post(
      '/v1/referrals',
      {
        schema: {
          tags: ['referrals'],
          summary:
            'Submit a referral (criminal_transfer: enforcement agency → police, copy to the procuratorate)',
          headers: IdempotencyHeaders,
          body: SubmissionSchema,
        },
      },
      async (request, reply) =>
        runCommand(deps, request, reply, { type: 'submit', submission: request.body }),
    );

    app.post(
      '/v1/referrals/:id/actions',
      {
        schema: {
          tags: ['referrals'],
          summary: 'Take a lifecycle action on a referral (e.g. the police receipt)',
          params: IdParams,
          headers: IdempotencyHeaders,
          body: ActionCommandSchema,
        },
      },
      async (request, reply) =>
        runCommand(deps, request, reply, {
          type: 'action',
          referralId: request.params.id,
          action: request.body,
        }),
    );

    app.get(
      '/v1/referrals',
      {
        schema: {
          tags: ['referrals'],
          summary: 'Referrals the caller may see, newest first, with filters and a cursor',
          querystring: ListQuery,
        },
      },
      async (request) => {
        const scope = await deps.directory.scope(request.agency);
        const page = await listReferrals(deps.db, request.agency.code, scope, request.query);
        return { referrals: page.items, next: page.next };
      },
    );

    app.get(
      '/v1/referrals/:id',
      {
        schema: {
          tags: ['referrals'],
          summary: 'A referral: state, parties, allowed actions, ledger, duties and deliveries',
          params: IdParams,
        },
      },
      async (request) => {
        const view = await visibleReferral(request.agency, request.params.id, 'view');
        const roles = rolesOf(view.parties, request.agency.code);
        const [deliveries, files] = await Promise.all([
          deliveryRecord(deps.db, { referralId: view.id }),
          filesOf(deps.db, view.id),
        ]);
        const scope = await deps.directory.scope(request.agency);
        const party = tookPart(scope, view.participants);
        return {
          ...view,
          deliveries,
          // The case files: what each is; the download URL for a party only.
          files: files.map((f) => ({
            sha256: f.sha256,
            size: f.size,
            mediaType: f.mediaType,
            documentType: f.documentType,
            title: f.title,
            attachedAt: f.linkedAt.toISOString(),
            ...(party ? { url: fileDownloadPath(view.id, f.sha256) } : {}),
          })),
          yourRoles: roles,
          allowedActions: allowedActions(view.kind, view.state, roles),
        };
      },
    );

    app.get(
      '/v1/referrals/:id/verify',
      { schema: { tags: ['referrals'], summary: "Recompute a referral's hash chain", params: IdParams } },
      async (request) => {
        await visibleReferral(request.agency, request.params.id, 'verify');
        return verifyChain(deps.db, request.params.id);
      },
    );

    app.get(
      '/v1/referrals/:id/reads',
      {
        schema: {
          tags: ['referrals'],
          summary: "Who read a referral and when (the region's procuratorate and coordinator)",
          params: IdParams,
        },
      },
      async (request) => {
        const agency = request.agency;
        const view = await visibleReferral(agency, request.params.id, 'reads');
        if (!['procuratorate', 'coordinator'].includes(agency.kind) || agency.region !== view.region) {
          throw new HubError(
            'ACTOR_NOT_PERMITTED',
            "the read record is for the region's procuratorate and coordinator",
          );
        }
        return { reads: await readsOf(deps.db, request.params.id) };
      },
    );
  };
}
