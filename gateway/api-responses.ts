import { ERRORS, type ErrorCode } from '../schemas/errors.js';

/**
 * What each operation answers, for the OpenAPI document only: the success statuses with their media type,
 * and the catalogue codes the route can give. The handlers are not serialized through these (a response
 * schema would make fastify strip or refuse fields); tests/structure/api-documents.test.ts checks that
 * every operation is declared here and that a real refusal of each route is one it declares.
 */
type Media = 'json' | 'csv' | 'html' | 'file' | 'none';
type Success = { description: string; media: Media | Media[]; schema?: Record<string, unknown> };
export type Declared = { success: Record<number, Success>; errors: ErrorCode[] };

/** Every route behind an API key: no key, too fast, or a backing service down. */
const ALWAYS: ErrorCode[] = ['UNAUTHENTICATED', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE', 'INTERNAL'];
/** A route with a JSON body: the body itself can be refused before its schema is checked. */
const JSON_BODY: ErrorCode[] = [
  'VALIDATION_FAILED',
  'TEXT_INVALID',
  'JSON_KEY_REFUSED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
];
/** The one command path (HTTP and AMQP alike), with the Idempotency-Key. */
const COMMAND: ErrorCode[] = [
  ...JSON_BODY,
  'ACTOR_NOT_PERMITTED',
  'IDEMPOTENCY_KEY_REUSED',
  'CONCURRENT_UPDATE',
  'VALUE_REFUSED',
  // Issue 15: a signature that is required, or present, and does not hold.
  'SIGNATURE_REQUIRED',
  'SIGNATURE_INVALID',
  'SIGNATURE_REPLAYED',
  'KEY_UNKNOWN',
  'KEY_REVOKED',
];
const DOCUMENTS: ErrorCode[] = [
  'DOCUMENT_NOT_UPLOADED',
  'REFERRAL_FILES_TOO_MANY',
  'REFERRAL_FILES_TOO_LARGE',
];

const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: 'object',
  properties,
  required,
});
const str = { type: 'string' };
const REFERRAL_RESULT = object({
  id: { type: 'string', format: 'uuid' },
  kind: str,
  state: str,
  version: { type: 'integer' },
  sender: str,
  recipient: str,
  procuratorate: { type: 'string', nullable: true },
  copies: { type: 'array', items: str },
  late: { type: 'boolean' },
  seq: { type: 'integer', description: 'the ledger sequence number of this step' },
  hash: { type: 'string', description: 'the hash of the ledger event this step appended' },
});
const BRIEFING_RESULT = object({
  id: { type: 'string', format: 'uuid' },
  referralId: { type: 'string', nullable: true },
  recipients: { type: 'array', items: str },
  createdAt: { type: 'string', format: 'date-time' },
});
const STORED_FILE = object({ sha256: str, size: { type: 'integer' }, mediaType: str });
const arr = { type: 'array' };
const VERIFICATION = object({
  referralId: str,
  valid: { type: 'boolean' },
  events: { type: 'integer' },
  head: str,
  breaks: { type: 'array', items: object({ seq: { type: 'integer' }, reason: str }) },
});
const YEARLY_REPORT = object({
  id: { type: 'string', format: 'uuid' },
  region: str,
  year: { type: 'integer' },
  version: { type: 'integer', description: 'its rank among the stored reports of the region and year' },
  generatedAt: { type: 'string', format: 'date-time' },
  generatedBy: str,
  figures: { type: 'object' },
  chainHeads: object({ referrals: { type: 'integer' }, digest: str }),
  integrity: object({ status: { type: 'string', enum: ['intact', 'broken'] }, breaks: arr }),
});
const REPORT_CHECK = object({
  reportId: str,
  matches: { type: 'boolean' },
  headsDigestMatches: { type: 'boolean' },
  brokenChains: { type: 'array', items: str },
  figuresMatch: { type: 'boolean' },
  recomputed: { type: 'object' },
});
const ok = (description: string, schema?: Record<string, unknown>): Success => ({
  description,
  media: 'json',
  ...(schema ? { schema } : {}),
});

export const DECLARED: Record<string, Declared> = {
  'POST /v1/referrals': {
    success: {
      201: ok('the referral, submitted (also on a replay with the same Idempotency-Key)', REFERRAL_RESULT),
    },
    errors: [...COMMAND, ...DOCUMENTS, 'RECIPIENT_INVALID'],
  },
  'POST /v1/referrals/{id}/actions': {
    success: { 200: ok('the referral after the action', REFERRAL_RESULT) },
    errors: [...COMMAND, ...DOCUMENTS, 'REFERRAL_NOT_FOUND', 'TRANSITION_NOT_ALLOWED', 'RECIPIENT_INVALID'],
  },
  'GET /v1/referrals': {
    success: {
      200: ok(
        'a page of referrals and the cursor of the next',
        object({ referrals: { type: 'array' }, next: {} }),
      ),
    },
    errors: ['VALIDATION_FAILED'],
  },
  'GET /v1/referrals/{id}': {
    success: { 200: ok('the referral: state, parties, ledger, duties, deliveries, files, allowed actions') },
    errors: ['VALIDATION_FAILED', 'REFERRAL_NOT_FOUND'],
  },
  'GET /v1/referrals/{id}/verify': {
    success: { 200: ok('the recomputed hash chain: valid, events, and the breaks if any', VERIFICATION) },
    errors: ['VALIDATION_FAILED', 'REFERRAL_NOT_FOUND'],
  },
  'GET /v1/referrals/{id}/evidence': {
    success: {
      200: ok(
        "the evidence file: every ledger event with its signatures, the keys, the hub's sealed statement with the inclusion proof, and the hub's seal",
        object({
          format: str,
          referralId: str,
          producedAt: str,
          events: arr,
          keys: arr,
          hubKeys: arr,
          statement: { type: 'object', nullable: true },
          seal: object({ alg: str, keyId: str, signature: str }),
        }),
      ),
    },
    errors: ['VALIDATION_FAILED', 'REFERRAL_NOT_FOUND', 'ACTOR_NOT_PERMITTED'],
  },
  'GET /v1/hub-keys': {
    success: { 200: ok("the hub's public signing keys, oldest first", object({ current: str, keys: arr })) },
    errors: [],
  },
  'GET /v1/referrals/{id}/reads': {
    success: { 200: ok('who read the referral and when', object({ reads: { type: 'array' } })) },
    errors: ['VALIDATION_FAILED', 'REFERRAL_NOT_FOUND', 'ACTOR_NOT_PERMITTED'],
  },
  'GET /v1/referrals/{id}/files/{sha256}': {
    success: {
      200: { description: 'the file', media: 'file' },
      206: { description: 'the requested byte range of the file (Range)', media: 'file' },
      304: { description: 'not modified (If-None-Match named the ETag)', media: 'none' },
    },
    errors: ['VALIDATION_FAILED', 'REFERRAL_NOT_FOUND', 'FILE_NOT_FOUND', 'RANGE_NOT_SATISFIABLE'],
  },
  'HEAD /v1/referrals/{id}/files/{sha256}': {
    success: {
      200: { description: 'the headers of the file (ETag, length, type)', media: 'none' },
      304: { description: 'not modified (If-None-Match named the ETag)', media: 'none' },
    },
    errors: ['VALIDATION_FAILED', 'REFERRAL_NOT_FOUND', 'FILE_NOT_FOUND'],
  },
  'POST /v1/files': {
    success: {
      201: ok('the file, stored', STORED_FILE),
      200: ok('the same bytes were stored before: nothing new stored', STORED_FILE),
    },
    errors: [
      'VALIDATION_FAILED',
      'FILE_EMPTY',
      'FILE_TOO_LARGE',
      'FILE_TYPE_REFUSED',
      'FILE_HASH_MISMATCH',
      'UPLOAD_TIMED_OUT',
      'UPLOAD_INCOMPLETE',
    ],
  },
  'GET /v1/inbox': {
    success: {
      200: ok('unacknowledged messages, oldest first', object({ messages: { type: 'array' }, next: {} })),
    },
    errors: ['VALIDATION_FAILED'],
  },
  'POST /v1/inbox/{messageId}/ack': {
    success: {
      200: ok(
        'the message is acknowledged',
        object({ messageId: str, status: { type: 'string', enum: ['acknowledged'] } }),
      ),
    },
    errors: ['VALIDATION_FAILED', 'MESSAGE_NOT_FOUND'],
  },
  'GET /v1/agencies': {
    success: { 200: ok('the directory', object({ agencies: { type: 'array' } })) },
    errors: ['VALIDATION_FAILED'],
  },
  'POST /v1/briefings': {
    success: { 201: ok('the briefing, sent', BRIEFING_RESULT) },
    errors: [...COMMAND, 'RECIPIENT_INVALID'],
  },
  'GET /v1/briefings': {
    success: {
      200: ok('briefings sent or received, newest first', object({ briefings: { type: 'array' } })),
    },
    errors: ['VALIDATION_FAILED'],
  },
  'GET /v1/backlog': {
    success: {
      200: ok(
        'open duties and referrals, most overdue first',
        object({ asOf: str, duties: arr, referrals: arr }),
      ),
    },
    errors: ['VALIDATION_FAILED'],
  },
  'GET /v1/statistics': {
    success: { 200: ok("the region's figures for the period") },
    errors: ['VALIDATION_FAILED', 'ACTOR_NOT_PERMITTED'],
  },
  'POST /v1/penalty-cases': {
    success: {
      201: ok(
        'the penalty case, recorded',
        object({ decisionNo: str, recorded: { type: 'boolean', enum: [true] } }),
      ),
      200: ok(
        'this decision was recorded before',
        object({ decisionNo: str, recorded: { type: 'boolean', enum: [false] } }),
      ),
    },
    errors: [...JSON_BODY, 'ACTOR_NOT_PERMITTED', 'REFERRAL_NOT_FOUND', 'VALUE_REFUSED'],
  },
  'POST /v1/reports/yearly': {
    success: {
      201: ok(
        'a new version of the yearly report, stored (Location: where GET reads the newest)',
        YEARLY_REPORT,
      ),
    },
    errors: [...JSON_BODY, 'ACTOR_NOT_PERMITTED'],
  },
  'GET /v1/reports/yearly': {
    success: {
      200: {
        description: 'the newest stored version: JSON, or CSV with format=csv',
        media: ['json', 'csv'],
        schema: YEARLY_REPORT,
      },
    },
    errors: ['VALIDATION_FAILED', 'ACTOR_NOT_PERMITTED', 'REPORT_NOT_FOUND'],
  },
  'GET /v1/reports/{id}/verify': {
    success: {
      200: ok('the report recomputed from the ledger: matches, broken chains, figures', REPORT_CHECK),
    },
    errors: ['VALIDATION_FAILED', 'ACTOR_NOT_PERMITTED', 'REPORT_NOT_FOUND'],
  },
  'GET /v1/integrity': {
    success: {
      200: ok(
        "broken ledger links found in the caller's region",
        object({ region: str, status: str, breaks: { type: 'array' } }),
      ),
    },
    errors: ['ACTOR_NOT_PERMITTED'],
  },
  'GET /v1/briefing-pack': {
    success: { 200: { description: 'the printable briefing pack', media: 'html' } },
    errors: ['VALIDATION_FAILED', 'ACTOR_NOT_PERMITTED'],
  },
};

/** The one error body: every 4xx and 5xx of the hub has this shape. */
export const ERROR_BODY_SCHEMA = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', enum: Object.keys(ERRORS), description: 'stable, machine-readable' },
    message: { type: 'string', description: 'for a human; may change between versions' },
    details: { type: 'object', description: 'ids, states and schema paths; never names or ID numbers' },
  },
};
const ERROR_REF = { $ref: '#/components/schemas/Error' };

const MEDIA: Record<Exclude<Media, 'none'>, [string, Record<string, unknown>]> = {
  json: ['application/json', { type: 'object' }],
  csv: ['text/csv', { type: 'string' }],
  html: ['text/html', { type: 'string' }],
  file: ['application/octet-stream', { type: 'string', format: 'binary' }],
};

/** The OpenAPI responses of one declared operation: its successes, then one response per error status. */
export function openApiResponses(declared: Declared): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, s] of Object.entries(declared.success)) {
    const media = [s.media].flat().filter((m) => m !== 'none');
    if (media.length === 0) {
      responses[status] = { description: s.description };
      continue;
    }
    const content = Object.fromEntries(
      media.map((m, i) => [MEDIA[m][0], { schema: (i === 0 && s.schema) || MEDIA[m][1] }]),
    );
    responses[status] = { description: s.description, content };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...declared.errors, ...ALWAYS])) {
    const { status } = ERRORS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus.entries()].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: codes.map((c) => `${c}: ${ERRORS[c].message}`).join('; '),
      content: {
        'application/json': {
          schema: ERROR_REF,
          examples: Object.fromEntries(
            codes.map((c) => [c, { value: { code: c, message: ERRORS[c].message } }]),
          ),
        },
      },
    };
  }
  return responses;
}

type OpenApiDoc = {
  paths?: Record<string, Record<string, { responses?: unknown }>>;
  components?: { schemas?: Record<string, unknown> };
};

/** The declared responses on every operation, and the shared error body schema (in place). */
export function declareResponses<T extends object>(openapiObject: T): T {
  const doc = openapiObject as OpenApiDoc;
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      const declared = DECLARED[`${method.toUpperCase()} ${path}`];
      // An undeclared operation keeps fastify-swagger's bare 200: the structure test names it. A copy:
      // fastify-swagger shares one operation object between a route's methods (GET and HEAD).
      if (declared) operations[method] = { ...operation, responses: openApiResponses(declared) };
    }
  }
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Error: ERROR_BODY_SCHEMA } };
  return openapiObject;
}
