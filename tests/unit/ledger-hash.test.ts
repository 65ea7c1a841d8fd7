import { createHash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  GENESIS_HASH,
  hashLink,
  type LedgerLink,
  sha256Hex,
} from '../../crypto/ledger-hash.js';
import { hostileText } from '../helpers/hostile-text.js';

// Integer-like keys are excluded: JavaScript lists them first in any object, so JSON.parse would hide the
// order in which canonicalJson wrote them.
const key = fc.string({ maxLength: 6 }).filter((k) => !/^(0|[1-9]\d*)$/.test(k));
const leaf = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 8 }),
);
const { value: jsonish } = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown> }>(
  (tie) => ({
    value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  }),
);
const nested = { b: { y: [{ q: 1, p: 2 }], x: undefined }, a: null };

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The same value with every object's keys inserted in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
}

/** Every key list, at any depth, that is not in code-unit order. */
function unsortedKeyLists(value: unknown): string[][] {
  if (Array.isArray(value)) return value.flatMap(unsortedKeyLists);
  if (!isObject(value)) return [];
  const keys = Object.keys(value);
  const here = keys.join('\u0000') === [...keys].sort().join('\u0000') ? [] : [keys];
  return [...here, ...Object.values(value).flatMap(unsortedKeyLists)];
}

describe('canonical JSON', () => {
  it('writes the keys of every object in sorted order, however deep', () => {
    fc.assert(
      fc.property(jsonish, (value) => {
        expect(unsortedKeyLists(JSON.parse(canonicalJson(value)))).toEqual([]);
      }),
      { examples: [[nested]] },
    );
  });

  it('writes the same text for equal objects whose keys were inserted in another order', () => {
    expect(JSON.stringify(reverseKeys(nested))).not.toBe(JSON.stringify(nested));
    fc.assert(
      fc.property(jsonish, (value) => {
        expect(canonicalJson(reverseKeys(value))).toBe(canonicalJson(value));
      }),
      { examples: [[nested]] },
    );
  });

  it('keeps the content JSON.stringify keeps, dropping undefined properties and nulling undefined items', () => {
    expect(canonicalJson({ kept: 1, dropped: undefined })).toBe(canonicalJson({ kept: 1 }));
    expect(canonicalJson([undefined, 1])).toBe(JSON.stringify([undefined, 1]));
    fc.assert(
      fc.property(jsonish, (value) => {
        const text = JSON.stringify(value);
        fc.pre(text !== undefined);
        expect(JSON.parse(canonicalJson(value))).toStrictEqual(JSON.parse(text));
      }),
      { examples: [[nested]] },
    );
  });
});

describe('sha256Hex', () => {
  it("is the SHA-256 of the text's UTF-8 bytes, as a Hash object makes it, for any text", () => {
    // Lone surrogates included: both write them as U+FFFD (the text type refuses them before any hash).
    fc.assert(
      fc.property(hostileText(200), (text) => {
        expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
      }),
      { numRuns: 500 },
    );
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('the hash of a ledger link', () => {
  const link: LedgerLink = {
    referralId: randomUUID(),
    seq: 2,
    event: 'receipted',
    action: 'receipt',
    actor: 'pol-a',
    occurredAt: new Date().toISOString(),
    payload: { note: '已签收', documents: [{ name: '笔录', pages: 3 }] },
    prevHash: createHash('sha256').update('previous link').digest('hex'),
  };

  /** A different value of the same type. */
  function alter(value: unknown): unknown {
    if (typeof value === 'string') return `${value}′`;
    if (typeof value === 'number') return value + 1;
    if (isObject(value)) return { ...value, altered: true };
    throw new Error(`no alteration for ${JSON.stringify(value)}`);
  }

  it('is the SHA-256, in hex, of the canonical JSON of the link', () => {
    const expected = createHash('sha256').update(canonicalJson(link), 'utf8').digest('hex');
    expect(hashLink(link)).toBe(expected);
    expect(hashLink(link)).not.toBe(GENESIS_HASH);
  });

  it.each(Object.keys(link) as (keyof LedgerLink)[])('changes when %s changes', (field) => {
    const changed = { ...link, [field]: alter(link[field]) };
    expect(changed[field]).not.toEqual(link[field]);
    expect(hashLink(changed)).not.toBe(hashLink(link));
  });

  it('does not change when the payload comes back from jsonb with its keys in another order', () => {
    const reordered = { ...link, payload: reverseKeys(link.payload) };
    expect(JSON.stringify(reordered.payload)).not.toBe(JSON.stringify(link.payload));
    expect(hashLink(reordered)).toBe(hashLink(link));
  });
});
