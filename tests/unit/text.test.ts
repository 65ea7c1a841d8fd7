import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findTextFault, freeText, lineText, optionalLineText } from '../../schemas/text.js';
import { hostileText } from '../helpers/hostile-text.js';

describe('the one text type', () => {
  it.each([
    ['abc\u0000def', 'control', 4, 'U+0000'],
    ['\ud800x', 'lone_surrogate', 1, 'U+D800'],
    ['x\udc00', 'lone_surrogate', 2, 'U+DC00'],
    ['ab\u0001', 'control', 3, 'U+0001'],
    ['a\u0085b', 'control', 2, 'U+0085'],
    ['a\u007fb', 'control', 2, 'U+007F'],
    ['\uffff', 'noncharacter', 1, 'U+FFFF'],
  ])('refuses %j in free text (%s at %i)', (value, reason, position, codePoint) => {
    expect(findTextFault(value, 'free', true)).toEqual({ reason, position, codePoint });
  });

  it('counts the position in characters, so a pair before the fault counts once', () => {
    expect(findTextFault('😀\u0000', 'free', true)?.position).toBe(2);
    expect(findTextFault('案件\u202e名', 'line', true)?.position).toBe(3);
  });

  it('allows tabs and line breaks in free text but not in a name or title', () => {
    expect(findTextFault('第一行\n第二行\t完', 'free', true)).toBeUndefined();
    expect(findTextFault('第一行\n第二行', 'line', true)).toMatchObject({
      reason: 'line_break',
      position: 4,
    });
    expect(findTextFault('a\tb', 'line', true)).toMatchObject({ reason: 'control', position: 2 });
  });

  it.each([
    ['\u202eevil', 'U+202E'],
    ['\u200b', 'U+200B'],
    ['\ufeff王执法', 'U+FEFF'],
    ['王\u2066执法', 'U+2066'],
    ['王\u200d执法', 'U+200D'],
  ])('refuses bidi, zero-width and BOM characters in a name (%j)', (value, codePoint) => {
    expect(findTextFault(value, 'line', true)).toMatchObject({ reason: 'invisible', codePoint });
    expect(findTextFault(value, 'free', true)).toBeUndefined();
  });

  it('refuses required text that is blank after trimming, but not an empty optional one', () => {
    expect(findTextFault(' \u3000\t', 'free', true)).toEqual({
      reason: 'blank',
      position: 0,
      codePoint: null,
    });
    expect(findTextFault('', 'line', false)).toBeUndefined();
    expect(lineText(10).safeParse('   ').success).toBe(false);
    expect(optionalLineText(10).safeParse('').success).toBe(true);
  });

  it('accepts ordinary Chinese, emoji and combining text', () => {
    for (const value of ['涉嫌销售假冒注册商标的商品案', '👮‍♀️ 报告', 'é', 'Zoë 王', '（２０２６）第１号']) {
      expect(findTextFault(value, 'free', true)).toBeUndefined();
    }
    expect(findTextFault('涉嫌销售假冒注册商标的商品案 (２０２６)', 'line', true)).toBeUndefined();
  });

  it('names the refused character exactly where it is, for any generated text', () => {
    fc.assert(
      fc.property(hostileText(), fc.constantFrom('free' as const, 'line' as const), (value, kind) => {
        const fault = findTextFault(value, kind, true);
        if (!fault) {
          expect(value.trim().length).toBeGreaterThan(0);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
          expect(value).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/);
          expect(value).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
          return;
        }
        if (fault.reason === 'blank') {
          expect(value.trim()).toBe('');
          return;
        }
        const unit = [...value][fault.position - 1]?.charCodeAt(0) ?? -1;
        expect(`U+${unit.toString(16).toUpperCase().padStart(4, '0')}`).toBe(fault.codePoint);
      }),
      { numRuns: 20_000 },
    );
  });

  it('answers a zod issue that carries the position and the code point', () => {
    const result = freeText(100).safeParse('ab\u0000');
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.message).toBe('character 3 (U+0000) is a control character, which is not allowed here');
    expect((issue as { params?: unknown })?.params).toMatchObject({ hubCode: 'TEXT_INVALID', position: 3 });
  });
});
