import type { FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJson, sha256Hex } from '../crypto/ledger-hash.js';
import type { CommandOutcome } from '../db/command-path.js';
import type { Dedup } from '../db/dedup.js';
import { crashPoint } from '../runtime/crash-point.js';
import type { Command } from '../schemas/commands.js';
import { HubError } from '../schemas/errors.js';
import type { GatewayDeps } from './app.js';

/** How an outcome answers over HTTP: what the command created is a 201, a step on a referral a 200. */
const STATUS = { created: 201, applied: 200 } as const;

/**
 * The one door for command endpoints: an `Idempotency-Key` makes the request idempotent (the same key and
 * body answer as the first time did, with `Idempotent-Replayed: true`; the same key with another body is a
 * 422), and the command goes the same path as an AMQP command.
 */
export async function runCommand(
  deps: GatewayDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  command: Command,
): Promise<unknown> {
  const agency = request.agency;
  const key = request.headers['idempotency-key'];
  const path = request.url.split('?')[0] ?? request.url;
  const dedup: Dedup | undefined =
    typeof key === 'string' && key.length > 0
      ? {
          via: 'http',
          agency: agency.code,
          key,
          requestHash: sha256Hex(`${request.method} ${path} ${canonicalJson(request.body)}`),
        }
      : undefined;
  const outcome: CommandOutcome = await deps.commands.execute(agency, command, {}, dedup);
  crashPoint(deps.config, 'gateway.after_commit');
  switch (outcome.status) {
    case 'duplicate':
      throw new HubError('INTERNAL', 'an HTTP command has no message id');
    case 'replayed':
      reply.header('idempotent-replayed', 'true');
      reply.status(STATUS[outcome.outcome]);
      return outcome.result;
    default:
      reply.status(STATUS[outcome.status]);
      return outcome.result;
  }
}
