import { HubError, isHubError } from '../schemas/errors.js';

/**
 * What a failure means for the one who sent the command, decided in one place for HTTP, AMQP and replay:
 * - `refused`: the client's doing (a 4xx); never retried, the sender is told;
 * - `unavailable`: a backing service is briefly gone (503 with Retry-After; the intake holds and retries);
 * - `bug`: anything else (500): logged; the intake retries a few times, then dead-letters with the reason.
 */
export type Failure =
  | { kind: 'refused'; error: HubError }
  | { kind: 'unavailable'; error: HubError }
  | { kind: 'bug'; error: HubError };

// SQLSTATE classes (PostgreSQL Appendix A): 08 connection exception, 40 transaction rollback (serialization
// failure, deadlock), 53 insufficient resources, 55P03 lock not available, 57P0x operator intervention
// (admin shutdown, crash shutdown, cannot connect now), 58 system error.
const TRANSIENT_SQLSTATE = /^(08|40|53|58)|^55P03$|^57P0[1-4]$/;
// 22 data exception (a NUL in text, a value out of range), 23 integrity constraint violation.
const DATA_SQLSTATE = /^(22|23)/;
const TRANSIENT_NET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const TRANSIENT_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

export function classifyFailure(error: unknown): Failure {
  if (isHubError(error)) {
    if (error.status < 500) return { kind: 'refused', error };
    return error.code === 'SERVICE_UNAVAILABLE' ? { kind: 'unavailable', error } : { kind: 'bug', error };
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (/^[0-9A-Z]{5}$/.test(code)) {
    // Issue 15: the ledger holds this agency signature already (migration 0015).
    if (code === '23505' && (error as { constraint?: unknown }).constraint === 'ledger_events_signed_once') {
      return { kind: 'refused', error: new HubError('SIGNATURE_REPLAYED') };
    }
    if (DATA_SQLSTATE.test(code)) {
      // The database refused a value the command carried: permanent, whatever is retried.
      return { kind: 'refused', error: new HubError('VALUE_REFUSED', undefined, { sqlstate: code }) };
    }
    if (TRANSIENT_SQLSTATE.test(code))
      return { kind: 'unavailable', error: new HubError('SERVICE_UNAVAILABLE') };
  }
  if (TRANSIENT_NET.has(code) || TRANSIENT_MESSAGE.test(message)) {
    return { kind: 'unavailable', error: new HubError('SERVICE_UNAVAILABLE') };
  }
  return { kind: 'bug', error: new HubError('INTERNAL') };
}
