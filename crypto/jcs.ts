/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form a signature covers, so that a signer
 * in any language and the hub's verifier agree on the bytes without agreeing on whitespace or key order.
 *
 * The input must be I-JSON (RFC 7493), which RFC 8785 §3.1 requires: anything JSON.parse could not have
 * produced (undefined, a function, a bigint, NaN or ±Infinity, a lone surrogate, a Date or other class
 * instance) throws with the path of the offending value instead of being silently dropped or rewritten,
 * because a signature over a silently different value would verify something the signer never sent.
 */
export class JcsError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`not canonicalizable JSON at ${path}: ${reason}`);
    this.name = 'JcsError';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The canonical text; sign or hash its UTF-8 bytes (RFC 8785 §3.2.5), see `canonicalBytes`. */
export function canonicalize(value: unknown): string {
  try {
    return writeFast(value);
  } catch (error) {
    // Not I-JSON: written again, slowly, to say where.
    if (error === NOT_I_JSON) return write(value, '$');
    throw error;
  }
}

const NOT_I_JSON = new Error('not I-JSON');

/**
 * `write` without the path it would name in an error (building it cost more than the rest): the same
 * checks, and on any of them a throw that sends `canonicalize` to the slow writer for the message.
 */
function writeFast(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw NOT_I_JSON;
      return Object.is(value, -0) ? '0' : String(value);
    case 'string':
      if (!value.isWellFormed()) throw NOT_I_JSON;
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let text = '[';
        for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + writeFast(value[i]);
        return `${text}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw NOT_I_JSON;
      const record = value as Record<string, unknown>;
      let text = '{';
      for (const key of Object.keys(record).sort()) {
        if (!key.isWellFormed()) throw NOT_I_JSON;
        text += `${text.length === 1 ? '' : ','}${JSON.stringify(key)}:${writeFast(record[key])}`;
      }
      return `${text}}`;
    }
    default:
      throw NOT_I_JSON;
  }
}

/** RFC 8785 §3.2.5: the canonical form is exchanged as UTF-8. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

/** The canonical bytes, or undefined when the value is not I-JSON (what a verifier calls malformed). */
export function canonicalBytesOrUndefined(value: unknown): Buffer | undefined {
  const text = canonicalTextOrUndefined(value);
  return text === undefined ? undefined : Buffer.from(text, 'utf8');
}

/** The canonical text, or undefined when the value is not I-JSON. */
export function canonicalTextOrUndefined(value: unknown): string | undefined {
  try {
    return canonicalize(value);
  } catch (error) {
    if (error instanceof JcsError) return undefined;
    throw error;
  }
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return writeNumber(value, path);
    case 'string':
      return writeString(value, path);
    case 'object':
      if (Array.isArray(value)) return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(',')}]`;
      return writeObject(value, path);
    default:
      throw new JcsError(path, `${typeof value} is not a JSON value`);
  }
}

/**
 * RFC 8785 §3.2.2.3: numbers are serialised as ECMAScript's Number.prototype.toString does (ECMA-262
 * §7.1.12.1: shortest round-tripping digits, exponent from 1e21 and below 1e-6), which is what V8's
 * String(number) implements; -0 becomes "0". NaN and ±Infinity are not JSON and must fail.
 */
function writeNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) throw new JcsError(path, `${value} is not a JSON number`);
  return Object.is(value, -0) ? '0' : String(value);
}

/**
 * RFC 8785 §3.2.2.2: JSON.stringify's string form (ECMA-262 QuoteJSONString): \b \t \n \f \r \" \\ as
 * two-character escapes, other controls below U+0020 as lowercase \u00xx, everything else literal
 * (including "/", U+007F and non-ASCII). A lone surrogate has no UTF-8 form, so I-JSON refuses it.
 */
function writeString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) throw new JcsError(path, 'a string holds a lone surrogate');
  return JSON.stringify(value);
}

/**
 * RFC 8785 §3.2.3: properties sorted by their names as arrays of UTF-16 code units, compared unit by
 * unit with no locale; JavaScript's `<` on strings is exactly that comparison (ECMA-262 IsLessThan).
 */
function writeObject(value: object, path: string): string {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new JcsError(path, `${proto?.constructor?.name ?? 'an object'} is not a plain JSON object`);
  }
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const members = entries.map(([key, item]) => {
    const at = `${path}[${JSON.stringify(key)}]`;
    return `${writeString(key, at)}:${write(item, at)}`;
  });
  return `{${members.join(',')}}`;
}
