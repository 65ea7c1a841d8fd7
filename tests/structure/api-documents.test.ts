import { randomUUID } from 'node:crypto';
import SwaggerParser from '@apidevtools/swagger-parser';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECLARED, type Declared, openApiResponses } from '../../gateway/api-responses.js';
import { ERRORS, type ErrorCode } from '../../schemas/errors.js';
import { criminalTransfer } from '../helpers/fixtures.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { waitFor } from '../helpers/wait.js';

let hub: TestHub;
let asyncApi: Record<string, any>;
let openApi: Record<string, any>;
beforeAll(async () => {
  hub = await createTestHub();
  asyncApi = (await hub.request(null, 'GET', '/docs/asyncapi.json')).body;
  openApi = (await hub.request(null, 'GET', '/docs/json')).body;
});
afterAll(async () => {
  await hub?.close();
});

/** Errors and warnings of the official parser (spectral rules and the spec's JSON Schema), one a line. */
async function asyncApiProblems(doc: unknown): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(JSON.stringify(doc));
  return diagnostics
    .filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning)
    .map((d) => `${DiagnosticSeverity[d.severity]} ${d.code} at ${d.path.join('/')}: ${d.message}`);
}

/** Every operation of an OpenAPI document, named `METHOD /path` as the declarations are. */
function operationsOf(doc: Record<string, any>): { name: string; operation: Record<string, any> }[] {
  return Object.entries<Record<string, any>>(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      name: `${method.toUpperCase()} ${path}`,
      operation,
    })),
  );
}

/** swagger-parser stops at the first problem it finds; its message lists the schema errors. */
async function openApiProblems(doc: unknown): Promise<string[]> {
  try {
    // validate() dereferences in place: give it a copy.
    await SwaggerParser.validate(structuredClone(doc) as Parameters<typeof SwaggerParser.validate>[0]);
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

describe('the AsyncAPI document at /docs/asyncapi.json', () => {
  it('is AsyncAPI 3.0 that the official parser accepts with no error and no warning', async () => {
    expect(asyncApi.asyncapi).toBe('3.0.0');
    expect(await asyncApiProblems(asyncApi)).toEqual([]);
  });

  it('has the parser report a broken document, so that the check above can fail', async () => {
    const broken = structuredClone(asyncApi);
    broken.operations.sendNotification.messages.push({ $ref: '#/channels/hubCommands/messages/command.ack' });
    broken.components.messages['command.ack'].messageId = 'command.ack';
    const problems = await asyncApiProblems(broken);
    expect(problems.join('\n')).toContain('asyncapi3-operation-messages-from-referred-channel');
    expect(problems.join('\n')).toContain('messageId');
  });

  // The parser's recommended rules (id, contact, license, servers) run on 2.x documents only: checked here.
  it('names its id, info, broker and every channel parameter', () => {
    expect(asyncApi.id).toMatch(/^urn:/);
    expect(Object.keys(asyncApi.info)).toEqual(
      expect.arrayContaining(['title', 'version', 'description', 'contact', 'license']),
    );
    expect(Object.values(asyncApi.servers)).toEqual([
      expect.objectContaining({ protocol: 'amqp', description: expect.stringContaining(hub.prefix) }),
    ]);
    for (const channel of Object.values<any>(asyncApi.channels)) {
      const placeholders = [...channel.address.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(Object.keys(channel.parameters ?? {})).toEqual(placeholders);
      expect(channel.bindings.amqp.is).toMatch(/^(queue|routingKey)$/);
    }
  });

  it('describes every message type with a name, tags, correlation id and AMQP type', () => {
    const typed = Object.entries<any>(asyncApi.components.messages).filter(([key]) => key !== 'deadLetter');
    expect(typed.length).toBeGreaterThan(20);
    for (const [type, message] of typed) {
      expect(message).toMatchObject({
        name: type,
        title: expect.any(String),
        summary: expect.any(String),
        tags: expect.arrayContaining([expect.anything()]),
        correlationId: { $ref: '#/components/correlationIds/envelope' },
        bindings: { amqp: { messageType: type } },
      });
      expect(message.payload.properties.type.const).toBe(type);
    }
    expect(asyncApi.components.correlationIds.envelope.location).toBe('$message.payload#/correlationId');
  });

  it('documents what the hub really sends: a notification envelope and its payload', async () => {
    const police = await hub.consumeInbox('pol-a');
    const submitted = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    expect(submitted.status).toBe(201);
    const { envelope } = await waitFor(
      () => police.received.find((r) => r.envelope.referralId === submitted.body.id),
      'the notification to the police',
    );
    await police.close();
    // The hub's seal travels in a header the catalogue declares (it declared none before).
    const { message } = police.received.find((r) => r.envelope.referralId === submitted.body.id) ?? {};
    const headers = asyncApi.components.messages[envelope.type].headers;
    // (A redelivery adds the broker's own headers; the hub sends this one.)
    expect(Object.keys(message?.properties.headers ?? {})).toEqual(expect.arrayContaining(['hub-signature']));
    expect(headers.required).toEqual(['hub-signature']);
    expect(Object.keys(headers.properties)).toEqual(expect.arrayContaining(['hub-signature']));
    const documented = asyncApi.components.messages[envelope.type].payload;
    expect(Object.keys(envelope).sort()).toEqual(Object.keys(documented.properties).sort());
    expect(Object.keys(envelope.payload).sort()).toEqual(
      Object.keys(documented.properties.payload.properties).sort(),
    );
  });

  it('documents the headers of a dead letter', async () => {
    const messageId = randomUUID();
    await hub.sendCommand('pol-a', null, { raw: Buffer.from('{not json'), messageId });
    const seen: Awaited<ReturnType<TestHub['drainDeadLetters']>> = [];
    const dead = await waitFor(async () => {
      seen.push(...(await hub.drainDeadLetters()));
      return seen.find((m) => m.properties.messageId === messageId);
    }, 'the dead letter');
    const documented = Object.keys(asyncApi.components.messages.deadLetter.headers.properties);
    expect(documented).toEqual(expect.arrayContaining(Object.keys(dead.properties.headers ?? {})));
  });
});

describe('the OpenAPI document at /docs/json', () => {
  it('is valid OpenAPI by swagger-parser', async () => {
    expect(openApi.openapi).toMatch(/^3\./);
    expect(Object.keys(openApi.paths).length).toBeGreaterThan(10);
    expect(await openApiProblems(openApi)).toEqual([]);
  });

  it('has swagger-parser report a broken document, so that the check above can fail', async () => {
    const broken = structuredClone(openApi);
    broken.paths['/v1/referrals'].post.responses = { 200: { schema: { type: 'object' } } };
    expect(await openApiProblems(broken)).toHaveLength(1);
  });

  it('describes the query times a period takes (a date or a date-time with an offset)', () => {
    const parameters: { name: string; description?: string }[] =
      openApi.paths['/v1/statistics'].get.parameters;
    const from = parameters.find((p) => p.name === 'from');
    expect(from?.description).toContain('a date (2026-01-01: the day in China Standard Time)');
    expect(parameters.find((p) => p.name === 'to')?.description).toMatch(/^end \(exclusive/);
  });

  it('declares for every operation its 2xx response and the error body schema for its 4xx responses', () => {
    const operations = operationsOf(openApi);
    expect(operations.length).toBeGreaterThan(20);
    for (const { name, operation } of operations) {
      const statuses = Object.keys(operation.responses);
      expect(
        statuses.filter((s) => /^2\d\d$/.test(s)),
        name,
      ).not.toEqual([]);
      expect(JSON.stringify(operation.responses), name).not.toContain('Default Response');
      // What the table declares, each method its own (GET and HEAD of a download differ).
      expect(statuses.sort(), name).toEqual(Object.keys(openApiResponses(DECLARED[name] as Declared)).sort());
      // Every operation is behind an API key.
      expect(statuses, name).toEqual(expect.arrayContaining(['401', '429', '500', '503']));
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const json = operation.responses[status].content['application/json'];
        expect(json.schema, `${name} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
        for (const [code, example] of Object.entries<any>(json.examples)) {
          expect(ERRORS[code as ErrorCode]?.status, `${name} ${status} ${code}`).toBe(Number(status));
          expect(example.value).toEqual({ code, message: ERRORS[code as ErrorCode].message });
        }
      }
    }
    expect(openApi.components.schemas.Error).toMatchObject({
      required: ['code', 'message'],
      properties: { code: { enum: Object.keys(ERRORS) } },
    });
    // The table names no operation that does not exist.
    expect(Object.keys(DECLARED).sort()).toEqual(operations.map((o) => o.name).sort());
  });

  it('declares the statuses and codes the routes really answer', async () => {
    const declares = (name: string, r: { status: number; body: any }) => {
      const operation = operationsOf(openApi).find((o) => o.name === name)?.operation;
      const response = operation?.responses[String(r.status)];
      expect(response, `${name} answered ${r.status}`).toBeDefined();
      if (r.status >= 400)
        expect(Object.keys(response.content['application/json'].examples)).toContain(r.body.code);
      // A declared success body names fields the real one has.
      const required: string[] =
        (r.status < 300 && response.content?.['application/json']?.schema?.required) || [];
      expect(Object.keys(r.body), name).toEqual(expect.arrayContaining(required));
    };
    const submitted = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    declares('POST /v1/referrals', submitted);
    declares(
      'POST /v1/referrals',
      await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer({ recipient: 'pol-zz' })),
    );
    declares('POST /v1/referrals', await hub.request('pol-a', 'POST', '/v1/referrals', criminalTransfer()));
    declares('POST /v1/referrals', await hub.request(null, 'POST', '/v1/referrals', criminalTransfer()));
    const id = submitted.body.id;
    declares(
      'POST /v1/referrals/{id}/actions',
      await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, { action: 'receipt' }),
    );
    declares(
      'POST /v1/referrals/{id}/actions',
      await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, { action: 'receipt' }),
    );
    declares('GET /v1/referrals/{id}', await hub.request('enf-b', 'GET', `/v1/referrals/${id}`));
    declares('GET /v1/referrals/{id}/reads', await hub.request('enf-a', 'GET', `/v1/referrals/${id}/reads`));
    const report = await hub.request('coord', 'POST', '/v1/reports/yearly', { year: 2026 });
    declares('POST /v1/reports/yearly', report);
    declares('GET /v1/reports/yearly', await hub.request('coord', 'GET', '/v1/reports/yearly?year=2026'));
    declares(
      'GET /v1/reports/{id}/verify',
      await hub.request('coord', 'GET', `/v1/reports/${report.body.id}/verify`),
    );
    declares(
      'GET /v1/referrals/{id}/verify',
      await hub.request('enf-a', 'GET', `/v1/referrals/${id}/verify`),
    );
    declares('GET /v1/backlog', await hub.request('coord', 'GET', '/v1/backlog'));
    declares('GET /v1/integrity', await hub.request('coord', 'GET', '/v1/integrity'));
    declares('GET /v1/referrals', await hub.request('enf-a', 'GET', '/v1/referrals'));
    declares('GET /v1/reports/yearly', await hub.request('coord', 'GET', '/v1/reports/yearly?year=2030'));
    declares('GET /v1/reports/yearly', await hub.request('enf-a', 'GET', '/v1/reports/yearly?year=2026'));
    declares('GET /v1/statistics', await hub.request('coord', 'GET', '/v1/statistics'));
    declares(
      'POST /v1/briefings',
      await hub.request('enf-a', 'POST', '/v1/briefings', { recipients: ['pol-a'], subject: 's', body: 'b' }),
    );
    declares(
      'POST /v1/inbox/{messageId}/ack',
      await hub.request('enf-b', 'POST', `/v1/inbox/${randomUUID()}/ack`),
    );
    declares(
      'POST /v1/penalty-cases',
      await hub.request('enf-a', 'POST', '/v1/penalty-cases', '{"__proto__":{}}', {
        'content-type': 'application/json',
      }),
    );
  });
});
