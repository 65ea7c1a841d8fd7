import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../db/errors.js';
import { HubError } from '../../schemas/errors.js';

const pgError = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code });

describe('what a failure means, decided in one place', () => {
  it.each([
    ['22021', 'refused'], // invalid byte sequence (a NUL in text)
    ['22P05', 'refused'], // untranslatable character (a lone surrogate in jsonb)
    ['23505', 'refused'], // unique violation
    ['23503', 'refused'], // foreign key violation
    ['40001', 'unavailable'], // serialization failure
    ['40P01', 'unavailable'], // deadlock
    ['57P01', 'unavailable'], // admin shutdown
    ['08006', 'unavailable'], // connection failure
    ['53300', 'unavailable'], // too many connections
    ['42P01', 'bug'], // undefined table
  ])('SQLSTATE %s is %s', (code, kind) => {
    expect(classifyFailure(pgError(code)).kind).toBe(kind);
  });

  it('refuses a data error with VALUE_REFUSED, naming the SQLSTATE only', () => {
    const failure = classifyFailure(pgError('22021'));
    expect(failure.error.code).toBe('VALUE_REFUSED');
    expect(failure.error.status).toBe(422);
    expect(failure.error.details).toEqual({ sqlstate: '22021' });
  });

  it('names a signature the ledger holds already SIGNATURE_REPLAYED (409), other unique violations not', () => {
    const replayed = classifyFailure(
      Object.assign(pgError('23505'), { constraint: 'ledger_events_signed_once' }),
    );
    expect(replayed).toMatchObject({ kind: 'refused', error: { code: 'SIGNATURE_REPLAYED', status: 409 } });
    const other = classifyFailure(Object.assign(pgError('23505'), { constraint: 'referrals_pkey' }));
    expect(other.error.code).toBe('VALUE_REFUSED');
  });

  it('passes the hub’s own errors through by their status', () => {
    expect(classifyFailure(new HubError('TEXT_INVALID')).kind).toBe('refused');
    expect(classifyFailure(new HubError('SERVICE_UNAVAILABLE')).kind).toBe('unavailable');
    expect(classifyFailure(new HubError('INTERNAL')).kind).toBe('bug');
  });

  it('treats a lost connection as a passing outage and anything else as a bug', () => {
    expect(classifyFailure(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })).kind).toBe(
      'unavailable',
    );
    expect(classifyFailure(new Error('Connection terminated unexpectedly')).kind).toBe('unavailable');
    expect(classifyFailure(new TypeError('x is undefined')).kind).toBe('bug');
  });
});
