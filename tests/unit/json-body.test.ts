import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../../gateway/json-body.js';
import { HubError } from '../../schemas/errors.js';
import { hostileText } from '../helpers/hostile-text.js';

/** What parseJsonBody answers: the value, or the refusal's code and key. */
function outcome(text: string): unknown {
  try {
    return { value: parseJsonBody(text) };
  } catch (error) {
    if (!(error instanceof HubError)) throw error;
    return { code: error.code, key: (error.details as { key?: string } | undefined)?.key };
  }
}

/** The rule itself, with the reviver on every text (what the parser did before its fast path). */
function byReviver(text: string): unknown {
  let poisoned: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v) => {
      if (key === '__proto__') poisoned ??= '__proto__';
      else if (key === 'constructor' && v !== null && typeof v === 'object' && Object.hasOwn(v, 'prototype'))
        poisoned ??= 'constructor.prototype';
      return v;
    });
  } catch {
    return { code: 'VALIDATION_FAILED', key: undefined };
  }
  return poisoned ? { code: 'JSON_KEY_REFUSED', key: poisoned } : { value };
}

describe('the JSON body parser', () => {
  it('refuses a poisoned key however its name is escaped', () => {
    const proto = String.raw`{"a":1,"\u005f_proto__":{"admin":true}}`;
    const ctor = String.raw`{"x":{"\u0063onstructor":{"prototype":{"admin":true}}}}`;
    const plain = '{"x":{"__proto__":{}}}';
    expect(outcome(proto)).toEqual({ code: 'JSON_KEY_REFUSED', key: '__proto__' });
    expect(outcome(ctor)).toEqual({ code: 'JSON_KEY_REFUSED', key: 'constructor.prototype' });
    expect(outcome(plain)).toEqual({ code: 'JSON_KEY_REFUSED', key: '__proto__' });
    // A `constructor` that is not an object with a prototype is only a key.
    expect(outcome('{"constructor":"x"}')).toEqual({ value: { constructor: 'x' } });
  });

  it('answers as the reviver does for any JSON, of any text, with or without escapes', () => {
    const key = fc.oneof(
      hostileText(8),
      fc.constantFrom('__proto__', 'constructor', 'prototype', '\u005f_proto__', 'a'),
    );
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        hostileText(12),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(key, tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    // Written plainly, and with every non-ASCII or quote-worthy character as a \u escape.
    const escaped = (text: string) =>
      text.replace(/[^\x20-\x7e]|_|c/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    fc.assert(
      fc.property(json, fc.boolean(), (value, withEscapes) => {
        let text = JSON.stringify(value) ?? 'null';
        // Escapes only inside strings: JSON.stringify's strings are the only place these characters occur.
        if (withEscapes) text = text.replace(/"(?:[^"\\]|\\.)*"/g, (s) => `"${escaped(s.slice(1, -1))}"`);
        expect(outcome(text)).toEqual(byReviver(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps its refusals of broken and empty bodies', () => {
    expect(outcome('{"kind": ')).toEqual({ code: 'VALIDATION_FAILED', key: undefined });
    expect(outcome('')).toEqual({ code: 'VALIDATION_FAILED', key: undefined });
  });
});
