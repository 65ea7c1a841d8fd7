import { z } from 'zod';

/** PostgreSQL's largest bigint, 2^63 − 1. */
const BIGINT_MAX = 9_223_372_036_854_775_807n;
const DIGITS = /^\d{1,19}$/;

/**
 * A PostgreSQL bigint key as a client names it in a query string (a statement's id, an inbox cursor):
 * decimal digits, at most 2^63 − 1. Nineteen digits alone let 9999999999999999999 through to the database,
 * which refused it as out of range — a 500 for the client's input.
 */
export const RowIdSchema = z
  .string()
  .regex(DIGITS, 'a whole number in decimal digits')
  // zod runs a refinement even after the pattern failed: only digits reach BigInt.
  .refine((v) => !DIGITS.test(v) || BigInt(v) <= BIGINT_MAX, 'at most 9223372036854775807');
