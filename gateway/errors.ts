import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { classifyFailure } from '../db/errors.js';
import { HubError, isHubError } from '../schemas/errors.js';
import { textIssueParams } from '../schemas/text.js';

/**
 * Maps every error to `{code, message}`: the client's to a 4xx, an outage to 503, anything else to 500.
 * Fastify's own errors (schema, body, content type) are read here; every other failure — the database's
 * included — is read by the one classifier the command path, the intake and replay use (db/errors.ts).
 */
export function toHubError(error: FastifyError | Error): HubError {
  if (isHubError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      path: `${error.validationContext ?? ''}${v.instancePath}`,
      message: v.message ?? 'invalid',
      text: textIssueParams(v.params),
    }));
    const text = issues.find((i) => i.text);
    if (text?.text) {
      const { reason, position, codePoint } = text.text;
      return new HubError('TEXT_INVALID', `${text.path}: ${text.message}`, {
        path: text.path,
        reason,
        position,
        codePoint,
      });
    }
    // The first problem in the message itself: a client's log line then says what to fix.
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more: see details.issues)` : '';
    return new HubError('VALIDATION_FAILED', first ? `${first.path}: ${first.message}${more}` : undefined, {
      issues: issues.slice(0, 20).map(({ path, message }) => ({ path, message })),
    });
  }
  const fastifyCode = (error as FastifyError).code;
  switch (fastifyCode) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HubError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HubError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HubError('VALIDATION_FAILED', error.message);
    case 'FST_ERR_VALIDATION':
      // Fastify gives the same code to a schema that threw (no `validation`, status 500): that is the hub's
      // bug, not the client's input, and answering 400 with the exception's text hid it.
      if ((error as FastifyError).validation) return new HubError('VALIDATION_FAILED', error.message);
      break;
    default:
      break;
  }
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500)
    return new HubError('VALIDATION_FAILED', error.message);
  return classifyFailure(error).error;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const hubError = toHubError(error);
    if (hubError.status >= 500) {
      request.log.error(
        { err: { message: error.message, code: error.code, stack: error.stack } },
        'request failed',
      );
    } else if (hubError.code === 'VALUE_REFUSED') {
      // The database refused a value: the client hears the SQLSTATE only; the operator gets the constraint.
      const { constraint, detail } = error as { constraint?: string; detail?: string };
      request.log.warn(
        { err: { message: error.message, code: error.code, constraint, detail } },
        'value refused',
      );
    }
    if (hubError.code === 'SERVICE_UNAVAILABLE') reply.header('retry-after', '2');
    if (hubError.code === 'RATE_LIMITED')
      reply.header('retry-after', String(hubError.details?.retryAfterSeconds ?? 1));
    return reply.status(hubError.status).send(hubError.toBody());
  });
  app.setNotFoundHandler((_request, reply) => {
    const error = new HubError('ROUTE_NOT_FOUND');
    return reply.status(404).send(error.toBody());
  });
}
