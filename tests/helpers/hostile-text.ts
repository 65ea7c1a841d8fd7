import fc from 'fast-check';

/** Characters that have broken text handling somewhere: NUL, controls, surrogate halves, bidi, BOM. */
export const HOSTILE_CHARACTERS = [
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009f',
  '\ud800',
  '\udfff',
  '\u202e',
  '\u2066',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u2028',
  '\ufffe',
  '\uffff',
  '\t',
  '\n',
  '\r',
  ' ',
  '\u3000',
] as const;

/**
 * Strings over full Unicode (fast-check's full-Unicode strings, plus arbitrary UTF-16 code units so that
 * lone surrogates appear) with the hostile characters above mixed in: every class the text type refuses.
 */
export function hostileText(maxLength = 40): fc.Arbitrary<string> {
  const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
  const hostile = fc.constantFrom(...HOSTILE_CHARACTERS);
  const unit = fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: hostile },
    { weight: 1, arbitrary: anyUnit },
  );
  return fc.oneof(
    fc.string({ unit, maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.constantFrom(...HOSTILE_CHARACTERS),
  );
}
