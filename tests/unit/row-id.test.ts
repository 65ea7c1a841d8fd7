import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowIdSchema } from '../../schemas/row-id.js';

describe('a bigint id in a query string', () => {
  it('takes decimal digits up to 2^63 - 1', () => {
    for (const id of ['0', '1', '42', '9223372036854775807']) expect(RowIdSchema.parse(id)).toBe(id);
  });

  it('refuses anything else with an issue, never an exception', () => {
    for (const id of [
      '9223372036854775808',
      '9999999999999999999',
      '1e3',
      'abc',
      '-1',
      '',
      '\u0000',
      '0x10',
    ]) {
      const parsed = RowIdSchema.safeParse(id);
      expect(parsed.success, id).toBe(false);
    }
    expect(RowIdSchema.safeParse('9223372036854775808').error?.issues[0]?.message).toBe(
      'at most 9223372036854775807',
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const parsed = RowIdSchema.safeParse(text);
        expect(parsed.success).toBe(/^\d{1,19}$/.test(text) && BigInt(text) <= 2n ** 63n - 1n);
      }),
      { numRuns: 2000 },
    );
  });
});
