import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildAsyncApi, catalogueTypes } from '../schemas/asyncapi.js';
import { TRANSITIONS } from '../schemas/lifecycle.js';

function readmeTypes(): string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Message catalogue'), readme.indexOf('## Operations CLI'));
  return [...section.matchAll(/^\| `([a-z_.]+)` \|/gm)].map((m) => m[1] ?? '').sort();
}

describe('the message catalogue', () => {
  it('lists in the README exactly the message types of the AsyncAPI document', () => {
    const doc = buildAsyncApi();
    expect(readmeTypes()).toEqual(Object.keys(doc.components.messages).sort());
  });

  it('has a notification for every lifecycle event that tells anyone', () => {
    const { notifications } = catalogueTypes();
    for (const t of TRANSITIONS.filter((t) => t.notify.length > 0)) {
      expect(notifications).toContain(`referral.${t.event}`);
    }
  });

  it('describes each message with its envelope and a payload schema', () => {
    const doc = buildAsyncApi('p.');
    expect(Object.keys(doc.channels)).toEqual(['p.inbox.{agency}', 'p.hub.commands']);
    const submit = doc.components.messages['command.submit'] as { payload: Record<string, any> } | undefined;
    expect(submit?.payload.required).toEqual(
      expect.arrayContaining(['messageId', 'type', 'sender', 'payload']),
    );
    expect(JSON.stringify(submit?.payload.properties.payload)).toContain('caseTeam');
  });
});
