import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND_TYPES, EnvelopeBaseSchema, HUB, parseCommand } from '../../schemas/messages.js';

function envelope(type: string, payload: unknown, referralId: string | null = randomUUID()) {
  return {
    messageId: randomUUID(),
    type,
    referralId,
    sender: 'pol-a',
    recipient: HUB,
    occurredAt: new Date().toISOString(),
    correlationId: null,
    causationId: null,
    payload,
  };
}

const receipt = envelope('command.action', { action: 'receipt', note: '已签收' });
const ack = envelope('command.ack', { messageIds: [randomUUID(), randomUUID()] }, null);

/** parseCommand's answer, with a throw turned into a failed expectation rather than an error. */
function parse(raw: Buffer | string) {
  let result: ReturnType<typeof parseCommand> | undefined;
  expect(() => {
    result = parseCommand(raw);
  }).not.toThrow();
  return result as ReturnType<typeof parseCommand>;
}

function issuePaths(raw: Buffer | string): string[] {
  const result = parse(raw);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.issues.map((i) => i.path);
}

describe('parseCommand', () => {
  it('accepts a receipt sent as command.action and returns the envelope as sent', () => {
    const result = parse(Buffer.from(JSON.stringify(receipt)));
    expect(result).toEqual({ ok: true, value: receipt, json: receipt });
  });

  it('refuses a command addressed to an agency rather than the hub, naming the field', () => {
    const result = parse(JSON.stringify({ ...receipt, recipient: 'pol-b' }));
    expect(result).toMatchObject({
      ok: false,
      code: 'MESSAGE_INVALID',
      issues: [{ path: 'recipient', message: 'a command is addressed to "hub"' }],
    });
  });

  it('accepts an acknowledgment sent as command.ack without a referral', () => {
    const result = parse(JSON.stringify(ack));
    expect(result).toEqual({ ok: true, value: ack, json: ack });
  });

  it.each([
    ['text that is not JSON', '{"type":'],
    ['bytes that are not UTF-8 JSON', Buffer.from([0xff, 0xfe, 0x00])],
    ['an empty message', ''],
  ])('returns an issue, not an exception, for %s', (_what, raw) => {
    expect(issuePaths(raw)).toEqual(['']);
  });

  it.each([
    ['an array', [1, 2, 3]],
    ['null', null],
    ['a string', 'command.action'],
    ['a number', 42],
  ])('returns an issue for JSON that is not an envelope: %s', (_what, json) => {
    expect(issuePaths(JSON.stringify(json))).toEqual(['']);
  });

  it.each(Object.keys(EnvelopeBaseSchema.shape))('names %s when an envelope lacks it', (field) => {
    const rest = Object.fromEntries(Object.entries(receipt).filter(([name]) => name !== field));
    expect(Object.keys(rest)).toHaveLength(Object.keys(receipt).length - 1);
    expect(issuePaths(JSON.stringify(rest))).toContain(field);
  });

  it('names the type of an envelope whose type is not a command', () => {
    const unknownType = `command.${randomUUID()}`;
    expect(unknownType in COMMAND_TYPES).toBe(false);
    expect(issuePaths(JSON.stringify({ ...receipt, type: unknownType }))).toEqual(['type']);
  });

  it('names the referral of a command.action that has none', () => {
    expect(issuePaths(JSON.stringify({ ...receipt, referralId: null }))).toEqual(['referralId']);
  });

  it('names the payload path of an action the hub does not know', () => {
    const paths = issuePaths(JSON.stringify({ ...receipt, payload: { action: 'launch' } }));
    expect(paths).toEqual(['payload.action']);
  });

  it('returns ok:false with issues for any text and any JSON that is not a command', () => {
    const arbitrary = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(arbitrary, (raw) => {
        const result = parse(raw);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.issues.length).toBeGreaterThan(0);
      }),
    );
  });
});
