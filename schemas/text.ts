import { z } from 'zod';

/**
 * The one text type: every free-text field and every name, title and code an agency sends passes through
 * it, over HTTP and AMQP alike. PostgreSQL refuses NUL and lone surrogates (a 500 before this type
 * existed), and control characters, bidi overrides and invisible characters in a name make two records
 * look alike on a screen or a printed notice, so they are refused where a person reads them as a name.
 */
export type TextKind = 'free' | 'line';

/** Why a character is refused; the issue carries it with the character's position. */
export type TextFault = {
  reason: 'control' | 'lone_surrogate' | 'noncharacter' | 'invisible' | 'line_break' | 'blank';
  /** 1-based position in characters (code points); 0 for a blank text. */
  position: number;
  /** The refused character, e.g. "U+0000"; null for a blank text. */
  codePoint: string | null;
};

// NUL and the C0 controls except tab and line breaks, DEL, the C1 controls, U+FFFE/U+FFFF, and any
// surrogate that is not half of a pair.
const LONE_SURROGATE = String.raw`[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]`;
const ANY_TEXT_BAD = new RegExp(
  String.raw`[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|${LONE_SURROGATE}`,
);
// In a name, title or code also: line breaks and tabs, zero-width characters, bidi marks, overrides and
// isolates, word joiners and invisible operators, and the BOM (U+FEFF) anywhere.
const LINE_TEXT_BAD = new RegExp(
  String.raw`[\u0000-\u001F\u007F-\u009F\uFFFE\uFFFF\u200B-\u200F\u202A-\u202E\u2028\u2029\u2060-\u2064\u2066-\u2069\uFEFF]|${LONE_SURROGATE}`,
);

function reasonOf(unit: number): TextFault['reason'] {
  if (unit >= 0xd800 && unit <= 0xdfff) return 'lone_surrogate';
  if (unit === 0xfffe || unit === 0xffff) return 'noncharacter';
  if (unit === 0x0a || unit === 0x0d || unit === 0x2028 || unit === 0x2029) return 'line_break';
  if (unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f)) return 'control';
  return 'invisible';
}

/** The first refused character of `value`, or a blank required text; undefined when the text is fine. */
export function findTextFault(value: string, kind: TextKind, required: boolean): TextFault | undefined {
  const match = (kind === 'line' ? LINE_TEXT_BAD : ANY_TEXT_BAD).exec(value);
  if (match) {
    const unit = value.charCodeAt(match.index);
    return {
      reason: reasonOf(unit),
      position: [...value.slice(0, match.index)].length + 1,
      codePoint: `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`,
    };
  }
  if (required && value.trim().length === 0) return { reason: 'blank', position: 0, codePoint: null };
  return undefined;
}

const REASON_TEXT: Record<TextFault['reason'], string> = {
  control: 'a control character',
  lone_surrogate: 'half of a surrogate pair',
  noncharacter: 'a Unicode noncharacter',
  invisible: 'an invisible or direction-changing character',
  line_break: 'a line break',
  blank: 'blank',
};

export function describeTextFault(fault: TextFault): string {
  if (fault.reason === 'blank') return 'must not be blank';
  return `character ${fault.position} (${fault.codePoint}) is ${REASON_TEXT[fault.reason]}, which is not allowed here`;
}

/** The marker the error mapping looks for to answer TEXT_INVALID rather than VALIDATION_FAILED. */
export const TEXT_INVALID = 'TEXT_INVALID';

function textSchema(kind: TextKind, max: number, required: boolean) {
  return z
    .string()
    .max(max)
    .superRefine((value, ctx) => {
      const fault = findTextFault(value, kind, required);
      if (!fault) return;
      ctx.addIssue({
        code: 'custom',
        message: describeTextFault(fault),
        params: { hubCode: TEXT_INVALID, ...fault },
      });
    });
}

/** Free text (facts, reasons, a briefing's body): line breaks and tabs allowed; required and not blank. */
export const freeText = (max: number) => textSchema('free', max, true);
/** Optional free text: may be empty. */
export const optionalFreeText = (max: number) => textSchema('free', max, false).optional();
/** A name, title, number or code a person reads as one line; required and not blank. */
export const lineText = (max: number) => textSchema('line', max, true);
/** An optional one-line text: may be empty. */
export const optionalLineText = (max: number) => textSchema('line', max, false).optional();

/** Whether a zod issue (or fastify's copy of it) was raised by the text type. */
export function textIssueParams(params: unknown): TextFault | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const p = params as Record<string, unknown>;
  if (p.hubCode === TEXT_INVALID) return p as unknown as TextFault;
  // fastify-type-provider-zod nests the issue's own params one level down.
  if (typeof p.params === 'object' && p.params !== null) return textIssueParams(p.params);
  return undefined;
}
