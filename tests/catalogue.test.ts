import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildAsyncApi, catalogueTypes } from '../schemas/asyncapi.js';
import { parseConfig } from '../schemas/config.js';
import { TRANSITIONS } from '../schemas/lifecycle.js';

function configWith(env: Record<string, string>) {
  const parsed = parseConfig(env);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

/** The types in the README's tables between two headings of its message catalogue. */
function readmeTypes(from: string, to: string): string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const catalogue = readme.slice(readme.indexOf('## Message catalogue'), readme.indexOf('## Operations CLI'));
  const section = catalogue.slice(catalogue.indexOf(from), to ? catalogue.indexOf(to) : undefined);
  return [...section.matchAll(/^\| `([a-z_.]+)` \|/gm)].map((m) => m[1] ?? '').sort();
}

describe('the message catalogue', () => {
  const doc = buildAsyncApi(configWith({ AMQP_PREFIX: 'p.' }));

  it('lists in the README exactly the notifications of the AsyncAPI inbox channel', () => {
    expect(readmeTypes('Hub → agency', 'Agency → hub')).toEqual(
      Object.keys(doc.channels.agencyInbox.messages).sort(),
    );
  });

  it('lists in the README exactly the commands of the AsyncAPI commands channel', () => {
    expect(readmeTypes('Agency → hub', '')).toEqual(Object.keys(doc.channels.hubCommands.messages).sort());
  });

  it('has a notification for every lifecycle event that tells anyone', () => {
    const { notifications } = catalogueTypes();
    for (const t of TRANSITIONS.filter((t) => t.notify.length > 0)) {
      expect(notifications).toContain(`referral.${t.event}`);
    }
  });

  it('describes each message with its envelope and a payload schema', () => {
    expect(Object.values(doc.channels).map((c) => c.address)).toEqual([
      'p.inbox.{agency}',
      'p.hub.commands',
      'p.hub.dead',
    ]);
    const submit = doc.components.messages['command.submit'] as { payload: Record<string, any> } | undefined;
    expect(submit?.payload.required).toEqual(
      expect.arrayContaining(['messageId', 'type', 'sender', 'payload']),
    );
    expect(submit?.payload.properties.type).toEqual({ type: 'string', const: 'command.submit' });
    expect(JSON.stringify(submit?.payload.properties.payload)).toContain('caseTeam');
  });

  it('documents that a command.action names its referral, as the intake requires', () => {
    const action = doc.components.messages['command.action'] as { payload: Record<string, any> } | undefined;
    expect(action?.payload.properties.referralId).toMatchObject({ type: 'string', format: 'uuid' });
  });
});
