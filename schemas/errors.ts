/** The one error catalogue: stable codes, their HTTP status and a human message. */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'the request does not match its schema' },
  MESSAGE_INVALID: { status: 400, message: 'the message does not match its schema' },
  // Prototype poisoning (fastify's onProtoPoisoning): valid JSON, refused for the key it uses.
  JSON_KEY_REFUSED: {
    status: 400,
    message: 'the JSON body has a __proto__ or constructor.prototype key, which is refused; rename it',
  },
  TEXT_INVALID: {
    status: 400,
    message: 'a text field holds a character that is not allowed there, or is blank',
  },
  UNAUTHENTICATED: {
    status: 401,
    message: 'a valid agency API key is required (Authorization: Bearer <key>)',
  },
  ACTOR_NOT_PERMITTED: { status: 403, message: 'this agency may not take this action on this referral' },
  SIGNATURE_REQUIRED: {
    status: 403,
    message: "the region requires signed commands: sign the command's RFC 8785 JSON with a registered key",
  },
  SIGNATURE_INVALID: {
    status: 403,
    message: 'the signature does not verify over the command as sent with the key it names',
  },
  KEY_UNKNOWN: {
    status: 403,
    message: 'the signature names a key that is not registered for this agency (or not yet valid)',
  },
  KEY_REVOKED: { status: 403, message: 'the signature names a key that was revoked or has expired' },
  SENDER_UNKNOWN: { status: 403, message: 'the message sender is not a known agency' },
  REFERRAL_NOT_FOUND: { status: 404, message: 'no such referral, or not visible to this agency' },
  REPORT_NOT_FOUND: { status: 404, message: 'no such report in your region (create one with POST)' },
  MESSAGE_NOT_FOUND: { status: 404, message: 'no such message in this agency inbox' },
  ROUTE_NOT_FOUND: { status: 404, message: 'no such route' },
  TRANSITION_NOT_ALLOWED: {
    status: 409,
    message: 'this action is not allowed in the referral current state',
  },
  CONCURRENT_UPDATE: { status: 409, message: 'the referral changed while this action was applied; retry' },
  SIGNATURE_REPLAYED: {
    status: 409,
    message:
      'this signature was already taken: a signed command is applied once (sign each new request anew, with its own Idempotency-Key or message id)',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: 'this Idempotency-Key was already used with a different request',
  },
  DOCUMENT_NOT_UPLOADED: {
    status: 422,
    message:
      'a document names a file this agency has not uploaded (upload it, or mark the document paper: true)',
  },
  RECIPIENT_INVALID: {
    status: 422,
    message: 'the recipient is not an agency that may receive this referral',
  },
  VALUE_REFUSED: {
    status: 422,
    message: 'the database refused a value in the request; it will not be accepted on a retry either',
  },
  FILE_NOT_FOUND: { status: 404, message: 'no such file on this referral' },
  UPLOAD_TIMED_OUT: {
    status: 408,
    message: 'the upload stalled longer than the idle timeout; nothing was stored, send it again',
  },
  UPLOAD_INCOMPLETE: {
    status: 400,
    message: 'the upload ended before its declared length (or the connection closed); nothing was stored',
  },
  FILE_EMPTY: { status: 400, message: 'the file is empty (zero bytes); nothing was stored' },
  FILE_HASH_MISMATCH: {
    status: 422,
    message: 'the bytes received do not have the SHA-256 declared in X-Content-SHA256; nothing was stored',
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'the request body is too large' },
  FILE_TOO_LARGE: { status: 413, message: 'the file is larger than one file may be; nothing was stored' },
  REFERRAL_FILES_TOO_LARGE: {
    status: 413,
    message: "the referral's files together would be larger than one referral may carry",
  },
  REFERRAL_FILES_TOO_MANY: {
    status: 413,
    message: 'the referral would carry more files than one referral may',
  },
  FILE_TYPE_REFUSED: {
    status: 415,
    message:
      'this kind of file is not accepted (PDF, OFD, JPEG, PNG, TIFF, plain text, CSV, XLSX and DOCX are)',
  },
  RANGE_NOT_SATISFIABLE: { status: 416, message: 'the requested byte range is outside the file' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'the request body must be application/json' },
  RATE_LIMITED: { status: 429, message: 'too many requests for this API key; retry after the time given' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'a backing service is unavailable; retry later' },
  INTERNAL: { status: 500, message: 'internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Details hold ids, states and schema paths, never names or ID numbers. */
export type ErrorDetails = Record<string, unknown>;

export class HubError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message?: string, details?: ErrorDetails) {
    super(message ?? ERRORS[code].message);
    this.name = 'HubError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
  }

  toBody(): { code: ErrorCode; message: string; details?: ErrorDetails } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isHubError(error: unknown): error is HubError {
  return error instanceof HubError;
}
