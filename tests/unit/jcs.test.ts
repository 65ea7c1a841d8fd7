import { createHash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signedMemberText } from '../../crypto/command-signature.js';
import { canonicalBytes, canonicalize, JcsError } from '../../crypto/jcs.js';
import { canonicalJson, hashLink, type LedgerLink } from '../../crypto/ledger-hash.js';
import { hostileText } from '../helpers/hostile-text.js';

/** A double from its IEEE 754 bits, as RFC 8785 Appendix B lists them. */
function ieee754(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

// RFC 8785 Appendix B, "Number Serialization Samples": every finite row.
const APPENDIX_B: [string, string][] = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
];

// Input and expected output from cyberphone/json-canonicalization testdata/ (the RFC's authors' reference
// suite, commit 19d51d7f); "values" is also RFC 8785 §3.2.4 and "weird" the sorting example of §3.2.3.
// Expected bytes are the suite's outhex files.
const SUITE: { name: string; input: string; hex?: string; output?: string }[] = [
  { name: 'arrays', input: '[56,{"d":true,"10":null,"1":[ ]}]', output: '[56,{"1":[],"10":null,"d":true}]' },
  {
    name: 'structures',
    input:
      '{"1":{"f":{"f":"hi","F":5},"\\n":56.0},"10":{},"":"empty","a":{},"111":[{"e":"yes","E":"no"}],"A":{}}',
    output:
      '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"}],"A":{},"a":{}}',
  },
  {
    name: 'french',
    input:
      '{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ignore locale"}',
    output:
      '{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ignore locale"}',
  },
  {
    name: 'unicode',
    input: '{"Unnormalized Unicode":"A\\u030a"}',
    output: '{"Unnormalized Unicode":"A\u030a"}',
  },
  {
    name: 'values (RFC 8785 §3.2.4)',
    input: String.raw`{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]}`,
    hex: '7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d2c226e756d62657273223a5b3333333333333333332e333333333333332c31652b33302c342e352c302e3030322c31652d32375d2c22737472696e67223a22e282ac245c75303030665c6e4127425c225c5c5c5c5c222f227d',
  },
  {
    name: 'weird (RFC 8785 §3.2.3)',
    input: String.raw`{"\u20ac":"Euro Sign","\r":"Carriage Return","\u000a":"Newline","1":"One","\u0080":"Control\u007f","\ud83d\ude02":"Smiley","\u00f6":"Latin Small Letter O With Diaeresis","\ufb33":"Hebrew Letter Dalet With Dagesh","</script>":"Browser Challenge"}`,
    hex: '7b225c6e223a224e65776c696e65222c225c72223a2243617272696167652052657475726e222c2231223a224f6e65222c223c2f7363726970743e223a2242726f77736572204368616c6c656e6765222c22c280223a22436f6e74726f6c7f222c22c3b6223a224c6174696e20536d616c6c204c6574746572204f205769746820446961657265736973222c22e282ac223a224575726f205369676e222c22f09f9882223a22536d696c6579222c22efacb3223a22486562726577204c65747465722044616c6574205769746820446167657368227d',
  },
];

describe('RFC 8785 JSON canonicalization', () => {
  it.each(APPENDIX_B)('serialises the double with bits %s as %s (Appendix B)', (hex, expected) => {
    expect(canonicalize(ieee754(hex))).toBe(expected);
  });

  it.each(['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000'])(
    'refuses NaN and ±Infinity (Appendix B row %s)',
    (hex) => {
      expect(() => canonicalize([ieee754(hex)])).toThrow(JcsError);
    },
  );

  it.each(SUITE)('matches the reference suite: $name', ({ input, output, hex }) => {
    const bytes = canonicalBytes(JSON.parse(input));
    if (hex) expect(bytes.toString('hex')).toBe(hex);
    if (output) expect(bytes.toString('utf8')).toBe(output);
  });

  it('sorts keys by UTF-16 code units, not code points: U+1F602 before U+FB33', () => {
    // As code points U+1F602 sorts after U+FB33; in UTF-16 its first unit is 0xD83D, before 0xFB33.
    expect(canonicalize({ '\ufb33': 1, '\u{1f602}': 2 })).toBe('{"\u{1f602}":2,"\ufb33":1}');
  });

  it.each([
    ['undefined', { a: undefined }, '$["a"]'],
    ['a function', [() => 1], '$[0]'],
    ['a bigint', { n: 1n }, '$["n"]'],
    ['a lone surrogate in a value', { s: 'x\ud800' }, '$["s"]'],
    ['a lone surrogate in a key', { '\udc00': 1 }, '$["\\udc00"]'],
    ['a Date', { at: new Date(0) }, '$["at"]'],
    ['a Map', { m: new Map() }, '$["m"]'],
  ])('refuses %s, naming where it is', (_name, value, path) => {
    expect(() => canonicalize(value)).toThrow(`at ${path}:`);
  });

  it('accepts an object without a prototype', () => {
    const bare = Object.assign(Object.create(null), { b: 1, a: 2 });
    expect(canonicalize(bare)).toBe('{"a":2,"b":1}');
  });
});

// The hub's payloads: strings (well-formed; the text type refuses lone surrogates), integers, booleans,
// null, nested objects and arrays.
const hubLeaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const { value: hubValue } = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown> }>(
  (tie) => ({
    value: fc.oneof({ depthSize: 'small' }, hubLeaf, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('value'), { maxKeys: 5 }),
  }),
);

describe('the ledger hash and JCS', () => {
  it("writes exactly JCS for the hub's kinds of payload, so the ledger hash does not change", () => {
    fc.assert(
      fc.property(hubValue, (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes exactly JCS for finite fractional numbers too (both use ECMAScript Number::toString)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(canonicalJson({ n })).toBe(canonicalize({ n }));
      }),
    );
  });

  it('hashes a ledger link as SHA-256 of its JCS bytes', () => {
    const link: LedgerLink = {
      referralId: randomUUID(),
      seq: 3,
      event: 'filed',
      action: 'file',
      actor: 'pol-a',
      occurredAt: '2026-03-01T08:00:00.000Z',
      payload: { note: '立案 😀', documents: [{ name: '笔录', pages: 3 }], late: false, reason: null },
      prevHash: 'ab'.repeat(32),
    };
    expect(hashLink(link)).toBe(createHash('sha256').update(canonicalBytes(link)).digest('hex'));
  });

  it('differs only on what is not JSON, which canonicalJson rewrites and JCS refuses', () => {
    expect(canonicalJson({ a: undefined, b: Number.NaN })).toBe('{"b":null}');
    expect(canonicalJson('\ud800')).toBe('"\\ud800"');
    expect(() => canonicalize({ b: Number.NaN })).toThrow(JcsError);
    expect(() => canonicalize('\ud800')).toThrow(JcsError);
  });

  // What an agency sends: any JSON text, so any UTF-16 unit (lone surrogates, NUL, controls) and any double.
  const sentLeaf = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    hostileText(12),
  );
  const { value: sentValue } = fc.letrec<{
    value: unknown;
    array: unknown[];
    object: Record<string, unknown>;
  }>((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, sentLeaf, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(hostileText(6), tie('value'), { maxKeys: 5 }),
  }));

  it("writes what JCS accepts of a parsed command exactly as JCS, so the signed command's text is written once", () => {
    let accepted = 0;
    fc.assert(
      fc.property(sentValue, (sent) => {
        // What JSON.parse can give (plain objects, finite numbers, -0 among them, any UTF-16 string), as the
        // gateway and the intake have it; not sent through JSON.stringify, which would make -0 a 0.
        const command = { body: sent, amount: -0 };
        let text: string;
        try {
          text = canonicalize(command);
        } catch (error) {
          // Refused (a lone surrogate): the command is refused as malformed and never reaches the ledger.
          expect(error).toBeInstanceOf(JcsError);
          return;
        }
        accepted++;
        const signed = { alg: 'ed25519' as const, keyId: 'k'.repeat(22), signature: 'c2ln', command };
        expect(signedMemberText(signed, text)).toBe(canonicalJson(signed));
      }),
      { numRuns: 2000 },
    );
    // The property must have been held to something: most generated values are accepted.
    expect(accepted).toBeGreaterThan(500);
  });
});
