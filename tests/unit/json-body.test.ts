import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseJsonBody } from '../../gateway/json-body.js';
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

/** A small seeded generator, so that fast-check's shrinking sees the same choices again. */
function chooser(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * JSON text of `value` in which each character of every string (keys too) is, by chance, written as it is
 * (escaped where JSON requires) or as a \u escape in lower or upper case hex.
 */
function writeJson(value: unknown, random: () => number): string {
  const str = (s: string) => {
    let out = '"';
    for (const ch of s.split('')) {
      const code = ch.charCodeAt(0);
      if (random() < 0.3) {
        const hex = code.toString(16).padStart(4, '0');
        out += `\\u${random() < 0.5 ? hex : hex.toUpperCase()}`;
      } else out += JSON.stringify(ch).slice(1, -1);
    }
    return `${out}"`;
  };
  if (typeof value === 'string') return str(value);
  if (Array.isArray(value)) return `[${value.map((v) => writeJson(v, random)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${str(k)}:${writeJson(v, random)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

describe('the JSON body parser', () => {
  it('refuses a poisoned key however its name is written', () => {
    const refused = (key: string) => ({ code: 'JSON_KEY_REFUSED', key });
    expect(outcome('{"x":{"__proto__":{}}}')).toEqual(refused('__proto__'));
    expect(outcome('{"constructor":{"prototype":{"admin":true}}}')).toEqual(refused('constructor.prototype'));
    // Each character of the name escaped in turn, in either case of hex.
    for (const [name, body, key] of [
      ['__proto__', (k: string) => `{"a":1,"${k}":{"admin":true}}`, '__proto__'],
      ['constructor', (k: string) => `{"x":{"${k}":{"prototype":{}}}}`, 'constructor.prototype'],
    ] as const) {
      for (let i = 0; i < name.length; i++) {
        const hex = name.charCodeAt(i).toString(16).padStart(4, '0');
        for (const h of [hex, hex.toUpperCase()]) {
          const escaped = `${name.slice(0, i)}\\u${h}${name.slice(i + 1)}`;
          expect(outcome(body(escaped)), escaped).toEqual(refused(key));
        }
      }
    }
    // A `constructor` that is not an object with a prototype is only a key.
    expect(outcome('{"constructor":"x"}')).toEqual({ value: { constructor: 'x' } });
  });

  it('answers as the reviver does for any JSON, written with or without escapes', () => {
    const key = fc.oneof(hostileText(8), fc.constantFrom('__proto__', 'constructor', 'prototype', 'a'));
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        hostileText(12),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(key, tie('value'), { maxKeys: 4 }),
        // The shape the reviver refuses under `constructor`, often enough to be met.
        fc.record({ constructor: fc.record({ prototype: tie('value') }) }),
      ),
    })).value;
    fc.assert(
      fc.property(json, fc.integer(), fc.boolean(), (value, seed, plain) => {
        const text = plain ? (JSON.stringify(value) ?? 'null') : writeJson(value, chooser(seed));
        expect(outcome(text)).toEqual(byReviver(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses a body nested deeper than its limit, on either path, and counts no bracket inside a string', () => {
    const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(outcome(nested(MAX_JSON_DEPTH))).toEqual({ value: JSON.parse(nested(MAX_JSON_DEPTH)) });
    const deep = { code: 'VALIDATION_FAILED', key: undefined };
    expect(outcome(nested(MAX_JSON_DEPTH + 1))).toEqual(deep);
    // 5,000 levels overflowed the reviver's recursion (a RangeError read as "not valid JSON").
    expect(outcome(nested(5000))).toEqual(deep);
    expect(outcome(`{"__proto__":${nested(5000)}}`)).toEqual(deep);
    expect(outcome(`{"a":"${'['.repeat(500)}\\"{"}`)).toEqual({ value: { a: `${'['.repeat(500)}"{` } });
  });

  it('keeps its refusals of broken and empty bodies', () => {
    expect(outcome('{"kind": ')).toEqual({ code: 'VALIDATION_FAILED', key: undefined });
    expect(outcome('')).toEqual({ code: 'VALIDATION_FAILED', key: undefined });
  });
});
