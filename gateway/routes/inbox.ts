import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acknowledge, fetchInbox } from '../../db/outbox.js';
import { HubError } from '../../schemas/errors.js';
import { RowIdSchema } from '../../schemas/row-id.js';
import type { GatewayDeps } from '../app.js';
import { requireAgency } from '../auth.js';

const InboxQuery = z.strictObject({
  after: RowIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** For an agency without AMQP: pull unacknowledged messages, then acknowledge each. */
export function inboxRoutes(deps: GatewayDeps): FastifyPluginAsyncZod {
  return async (app) => {
    requireAgency(app, deps.authenticate);

    app.get(
      '/v1/inbox',
      {
        schema: {
          tags: ['inbox'],
          summary: "The caller's unacknowledged messages, oldest first (agencies that receive over HTTP)",
          querystring: InboxQuery,
        },
      },
      async (request) => {
        const page = await fetchInbox(deps.db, request.agency.code, request.query.after, request.query.limit);
        // Issue 15: each message with the hub's seal over the envelope's RFC 8785 JSON, one signature a page.
        const signer = await deps.signer();
        const seals = signer.sealMessages(page.items.map(({ delivery: _, ...envelope }) => envelope));
        const messages = page.items.map((item, i) => ({ ...item, hubSignature: seals[i] }));
        return { messages, next: page.next };
      },
    );

    app.post(
      '/v1/inbox/:messageId/ack',
      {
        schema: {
          tags: ['inbox'],
          summary: 'Acknowledge one message: the hub records that the agency has it',
          params: z.strictObject({ messageId: z.uuid() }),
        },
      },
      async (request) => {
        const n = await acknowledge(deps.db, request.agency.code, [request.params.messageId]);
        if (n === 0)
          throw new HubError('MESSAGE_NOT_FOUND', undefined, { messageId: request.params.messageId });
        return { messageId: request.params.messageId, status: 'acknowledged' };
      },
    );
  };
}
