import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, hashLink, type LedgerLink } from '../../db/ledger-hash.js';
import { parseConfig } from '../../schemas/config.js';
import { parseCommand } from '../../schemas/messages.js';

describe('configuration', () => {
  it('has local defaults for an empty environment and freezes what it returns', () => {
    const config = parseConfig({});
    expect(config.ok).toBe(true);
    if (!config.ok) return;
    expect(config.value.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/referral_hub');
    expect(config.value.PORT).toBe(8080);
    expect(Object.isFrozen(config.value)).toBe(true);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['AMQP_PREFIX', 'Has Spaces'],
    ['DATABASE_URL', 'not a url'],
  ])('refuses %s=%s with a message naming it', (name, value) => {
    const config = parseConfig({ [name]: value });
    expect(config.ok).toBe(false);
    if (!config.ok) expect(config.message).toContain(name);
  });

  it('stops the process with exit code 2 on a bad value', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', "await import('./db/load-config.ts').then((m) => m.loadConfigOrExit())"],
      {
        env: { ...process.env, PORT: 'abc' },
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('PORT');
  });
});

describe('the ledger hash', () => {
  const link: LedgerLink = {
    referralId: '6f1c4a0e-0000-4000-8000-000000000001',
    seq: 2,
    event: 'receipted',
    action: 'receipt',
    actor: 'pol-a',
    occurredAt: '2026-11-27T01:00:00.000Z',
    payload: { note: '已签收', nested: { b: 1, a: [2, { d: 1, c: 2 }] } },
    prevHash: GENESIS_HASH,
  };

  it('sorts keys at every depth and drops undefined like JSON.stringify', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [{ z: 1, y: 2 }] } })).toBe(
      '{"a":{"c":[{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('is the SHA-256 of the canonical JSON of the link', () => {
    expect(hashLink(link)).toBe(createHash('sha256').update(canonicalJson(link)).digest('hex'));
  });

  it('changes when any field of the link changes', () => {
    const base = hashLink(link);
    const changed: Partial<LedgerLink>[] = [
      { referralId: '6f1c4a0e-0000-4000-8000-000000000002' },
      { seq: 3 },
      { event: 'filed' },
      { action: 'file' },
      { actor: 'pol-b' },
      { occurredAt: '2026-11-27T01:00:00.001Z' },
      { payload: { note: '已签收 ' } },
      { prevHash: '1'.repeat(64) },
    ];
    for (const change of changed)
      expect(hashLink({ ...link, ...change }), JSON.stringify(change)).not.toBe(base);
  });
});

describe('parsing commands', () => {
  const valid = {
    messageId: '6f1c4a0e-0000-4000-8000-000000000003',
    type: 'command.action',
    referralId: '6f1c4a0e-0000-4000-8000-000000000004',
    sender: 'pol-a',
    recipient: 'hub',
    occurredAt: '2026-11-27T01:00:00Z',
    correlationId: null,
    causationId: null,
    payload: { action: 'receipt' },
  };

  it('accepts a receipt command and an acknowledgment', () => {
    expect(parseCommand(JSON.stringify(valid)).ok).toBe(true);
    const ack = {
      ...valid,
      type: 'command.ack',
      referralId: null,
      payload: { messageIds: [valid.messageId] },
    };
    expect(parseCommand(Buffer.from(JSON.stringify(ack))).ok).toBe(true);
  });

  it.each([
    ['text that is not JSON', '{"type":'],
    ['JSON that is not an envelope', '[1,2,3]'],
    ['an unknown type', JSON.stringify({ ...valid, type: 'command.launch' })],
    ['an action without a referral', JSON.stringify({ ...valid, referralId: null })],
    ['an unknown field', JSON.stringify({ ...valid, extra: 1 })],
  ])('returns issues, never throws, for %s', (_name, raw) => {
    const result = parseCommand(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.length).toBeGreaterThan(0);
  });
});
