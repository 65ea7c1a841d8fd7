import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJson, sha256Hex } from '../crypto/ledger-hash.js';
import type { CommandOutcome } from '../db/command-path.js';
import type { Dedup } from '../db/dedup.js';
import { crashPoint } from '../runtime/crash-point.js';
import type { Command } from '../schemas/commands.js';
import { HubError } from '../schemas/errors.js';
import { CommandSignatureSchema, type SignedCommand, signatureHeaderFields } from '../schemas/signature.js';
import type { GatewayDeps } from './app.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body as sent, before its schema parsed it (kept only when the request is signed). */
    sentBody?: unknown;
  }
}

/** Issue 15: `Command-Signature: alg=sm2, keyId=<22 chars>, signature=<base64>` (one line, any order). */
export const SIGNATURE_HEADER = 'command-signature';

/** Keeps a signed request's body as sent: the signature covers it, not what the schema made of it. */
export function keepSentBodies(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.headers[SIGNATURE_HEADER] !== undefined) request.sentBody = request.body;
  });
}

/**
 * A signed HTTP command covers `{method, path, idempotencyKey, body}`: the path names the referral acted on,
 * so that a signed receipt of one referral cannot be passed off as the receipt of another, and the
 * `Idempotency-Key` names this one request, so that whoever holds a signed body cannot send it again under
 * another key (a second transfer of the same case, signed by nobody). A signed request must carry one.
 */
function signedOf(request: FastifyRequest, path: string, key: string | undefined): SignedCommand | undefined {
  const header = request.headers[SIGNATURE_HEADER];
  if (header === undefined) return undefined;
  const fields = signatureHeaderFields(Array.isArray(header) ? header.join(',') : header);
  const parsed = CommandSignatureSchema.safeParse(fields);
  if (!parsed.success) {
    throw new HubError('SIGNATURE_INVALID', `${SIGNATURE_HEADER}: ${parsed.error.issues[0]?.message}`, {
      reason: 'malformed',
      path: parsed.error.issues[0]?.path.join('.'),
    });
  }
  if (key === undefined) {
    throw new HubError(
      'SIGNATURE_INVALID',
      'a signed request carries an Idempotency-Key, and its signature covers it',
      { reason: 'idempotency_key_missing', keyId: parsed.data.keyId },
    );
  }
  return {
    ...parsed.data,
    command: { method: request.method, path, idempotencyKey: key, body: request.sentBody ?? null },
  };
}

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
  const header = request.headers['idempotency-key'];
  const key = typeof header === 'string' && header.length > 0 ? header : undefined;
  const path = request.url.split('?')[0] ?? request.url;
  const dedup: Dedup | undefined =
    key !== undefined
      ? {
          via: 'http',
          agency: agency.code,
          key,
          requestHash: sha256Hex(`${request.method} ${path} ${canonicalJson(request.body)}`),
        }
      : undefined;
  const signed = signedOf(request, path, key);
  const outcome: CommandOutcome = await deps.commands.execute(
    agency,
    command,
    signed ? { signed } : {},
    dedup,
  );
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
