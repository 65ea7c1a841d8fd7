import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerErrorHandling } from '../../gateway/errors.js';

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
