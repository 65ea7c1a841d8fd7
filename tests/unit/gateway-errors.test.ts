import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classifyFailure } from '../../db/errors.js';
import { registerErrorHandling, toHubError } from '../../gateway/errors.js';

/** The gateway's error handling on a Fastify app of its own, with the same zod compilers. */
async function app() {
  const server = Fastify({ logger: false });
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(server);
  const digits = z.string().regex(/^\d+$/);
  server.get('/fine', { schema: { querystring: z.strictObject({ n: digits }) } }, async () => ({}));
  // A schema that throws for some input (as RowIdSchema did: BigInt of what its pattern refused).
  const throwing = digits.refine((v) => BigInt(v) < 10n);
  server.get('/throws', { schema: { querystring: z.strictObject({ n: throwing }) } }, async () => ({}));
  await server.ready();
  return server;
}

describe('errors the gateway answers', () => {
  it("answers a client's bad input 400 VALIDATION_FAILED, naming where", async () => {
    const server = await app();
    const response = await server.inject({ url: '/fine?n=abc' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/^querystring\/n/),
    });
  });

  it('answers a schema that threw 500 INTERNAL: the hub’s bug, not the client’s input', async () => {
    const server = await app();
    const response = await server.inject({ url: '/throws?n=1e3' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ code: 'INTERNAL', message: 'internal error' });
    expect((await server.inject({ url: '/throws?n=12' })).statusCode).toBe(400);
  });
});

const failure = (code: string) => Object.assign(new Error(`failed: ${code}`), { code });

describe('the HTTP door reads a failure as the command path does', () => {
  // Before, the gateway had a list of its own: these answered 500 INTERNAL over HTTP and something else
  // over AMQP (a foreign key, a data exception, a deadlock, a host out of reach).
  it.each([
    ['23503', 422, 'VALUE_REFUSED'],
    ['22001', 422, 'VALUE_REFUSED'],
    ['40001', 503, 'SERVICE_UNAVAILABLE'],
    ['40P01', 503, 'SERVICE_UNAVAILABLE'],
    ['55P03', 503, 'SERVICE_UNAVAILABLE'],
    ['EHOSTUNREACH', 503, 'SERVICE_UNAVAILABLE'],
    ['57P01', 503, 'SERVICE_UNAVAILABLE'],
    ['42P01', 500, 'INTERNAL'],
  ])('%s answers %i %s, as classifyFailure decides', (code, status, answer) => {
    const error = failure(code);
    const mapped = toHubError(error);
    expect([mapped.status, mapped.code]).toEqual([status, answer]);
    expect(mapped.code).toBe(classifyFailure(error).error.code);
  });

  it("still answers Fastify's own client errors as 4xx", () => {
    const tooLarge = Object.assign(new Error('too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(toHubError(tooLarge).code).toBe('PAYLOAD_TOO_LARGE');
    const other = Object.assign(new Error('bad'), { statusCode: 400 });
    expect([toHubError(other).status, toHubError(other).code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('a value the database refused', () => {
  it('answers 422 naming the SQLSTATE only, and logs the constraint for the operator', async () => {
    const lines: string[] = [];
    const server = Fastify({
      logger: { level: 'warn', stream: { write: (line: string) => lines.push(line) } },
    });
    registerErrorHandling(server);
    server.get('/refused', async () => {
      throw Object.assign(new Error('insert or update on table "x" violates foreign key constraint'), {
        code: '23503',
        constraint: 'penalty_cases_referral_id_fkey',
        detail: 'Key (referral_id)=(…) is not present in table "referrals".',
      });
    });
    await server.ready();
    const response = await server.inject({ url: '/refused' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({
      code: 'VALUE_REFUSED',
      message: 'the database refused a value in the request; it will not be accepted on a retry either',
      details: { sqlstate: '23503' },
    });
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'value refused');
    expect(logged).toMatchObject({
      level: 40,
      err: { code: '23503', constraint: 'penalty_cases_referral_id_fkey' },
    });
  });
});
