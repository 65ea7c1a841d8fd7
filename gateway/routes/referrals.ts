import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applyCommand, type CommandInput, type Dedup } from '../../db/command-path.js';
import { crashPoint } from '../../db/crash-point.js';
import type { DirectoryAgency } from '../../db/directory.js';
import { canonicalJson, sha256Hex } from '../../db/ledger-hash.js';
import { listReferrals } from '../../db/referral-list.js';
import { readReferral, rolesOf, verifyChain } from '../../db/referrals.js';
import { canSee, scopeOf } from '../../db/visibility.js';
import { ActionCommandSchema } from '../../schemas/actions.js';
import { AgencyCodeSchema } from '../../schemas/agency.js';
import { HubError } from '../../schemas/errors.js';
import { allowedActions, StateSchema } from '../../schemas/lifecycle.js';
import { ReferralKindSchema, SubmissionSchema } from '../../schemas/referral.js';
import { lineText, optionalLineText } from '../../schemas/text.js';
import type { GatewayDeps } from '../app.js';

const IdParams = z.strictObject({ id: z.uuid() });
const ListQuery = z.strictObject({
  kind: ReferralKindSchema.optional(),
  state: StateSchema.optional(),
  role: z.enum(['sent', 'received', 'copied']).optional(),
  counterparty: AgencyCodeSchema.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: optionalLineText(200),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const IdempotencyHeaders = z.object({ 'idempotency-key': lineText(200).optional() });

export function referralRoutes(deps: GatewayDeps): FastifyPluginAsyncZod {
  const ctx = { db: deps.db, directory: deps.directory, clock: deps.clock, policy: deps.policy };

  function dedupOf(key: string | undefined, method: string, url: string, body: unknown): Dedup {
    if (!key) return undefined;
    return { via: 'http', key, requestHash: sha256Hex(`${method} ${url} ${canonicalJson(body)}`) };
  }

  return async (app) => {
    app.addHook('onRequest', deps.authenticate);

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
      async (request, reply) => {
        const input: CommandInput = { type: 'submit', submission: request.body };
        return run(
          request.agency!,
          input,
          dedupOf(request.headers['idempotency-key'], 'POST', '/v1/referrals', request.body),
          reply,
        );
      },
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
      async (request, reply) => {
        const url = `/v1/referrals/${request.params.id}/actions`;
        const input: CommandInput = { type: 'action', referralId: request.params.id, command: request.body };
        return run(
          request.agency!,
          input,
          dedupOf(request.headers['idempotency-key'], 'POST', url, request.body),
          reply,
        );
      },
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
        const agency = request.agency!;
        const scope = await scopeOf(deps.directory, agency);
        const page = await listReferrals(deps.db, agency.code, scope, request.query);
        return { referrals: page.items, next: page.next };
      },
    );

    app.get(
      '/v1/referrals/:id',
      {
        schema: {
          tags: ['referrals'],
          summary: 'A referral: state, parties, allowed actions and ledger',
          params: IdParams,
        },
      },
      async (request) => {
        const view = await visibleReferral(request.agency!, request.params.id, 'view');
        const roles = rolesOf(view.parties, request.agency!.code);
        return { ...view, yourRoles: roles, allowedActions: allowedActions(view.kind, view.state, roles) };
      },
    );

    app.get(
      '/v1/referrals/:id/verify',
      { schema: { tags: ['referrals'], summary: "Recompute a referral's hash chain", params: IdParams } },
      async (request) => {
        await visibleReferral(request.agency!, request.params.id, 'verify');
        return verifyChain(deps.db, request.params.id);
      },
    );

    /** The referral if the caller may see it; the read is recorded before anything is returned. */
    async function visibleReferral(agency: DirectoryAgency, id: string, what: 'view' | 'verify' | 'reads') {
      const view = await readReferral(deps.db, id);
      if (!view || !canSee(await scopeOf(deps.directory, agency), view)) {
        throw new HubError('REFERRAL_NOT_FOUND', undefined, { referralId: id });
      }
      await deps.db
        .insertInto('referral_reads')
        .values({ referral_id: id, agency_code: agency.code, what })
        .execute();
      return view;
    }

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
        const agency = request.agency!;
        const view = await visibleReferral(agency, request.params.id, 'reads');
        if (!['procuratorate', 'coordinator'].includes(agency.kind) || agency.region !== view.region) {
          throw new HubError(
            'ACTOR_NOT_PERMITTED',
            "the read record is for the region's procuratorate and coordinator",
          );
        }
        const rows = await deps.db
          .selectFrom('referral_reads')
          .select(['agency_code', 'read_at', 'what'])
          .where('referral_id', '=', request.params.id)
          .orderBy('id')
          .execute();
        return {
          reads: rows.map((r) => ({ agency: r.agency_code, at: r.read_at.toISOString(), what: r.what })),
        };
      },
    );

    async function run(agency: DirectoryAgency, input: CommandInput, dedup: Dedup, reply: FastifyReply) {
      const outcome = await applyCommand(ctx, agency, input, { dedup });
      crashPoint(deps.config, 'gateway.after_commit');
      if (outcome.status === 'duplicate') throw new HubError('INTERNAL', 'an HTTP command has no message id');
      deps.onCommitted?.();
      if (outcome.status === 'replayed') reply.header('idempotent-replayed', 'true');
      reply.status(outcome.statusCode);
      return outcome.body;
    }
  };
}
