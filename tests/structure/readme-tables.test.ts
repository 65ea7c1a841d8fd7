import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DECLARED } from '../../gateway/api-responses.js';
import { ERRORS } from '../../schemas/errors.js';
import { readmeWithTables } from '../../scripts/readme-tables.js';

describe('the README', () => {
  it('shows the lifecycle and the deadline rules exactly as the tables in schemas/ are', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    // If this fails: npx tsx scripts/readme-tables.ts --write
    expect(readme).toBe(readmeWithTables(readme));
  });

  it('stands on its own: no link or path out of the project folder', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme.match(/\.\.\/[\w.-]+/g) ?? []).toEqual([]);
  });

  it('walks each user to a first task, the coordinator through the joint-meeting endpoints', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('## First steps, by who you are');
    const walks = readme.slice(start, readme.indexOf('\n## ', start + 1));
    for (const who of ['system integrator', 'police system', 'coordinator', 'operator'])
      expect(walks).toMatch(new RegExp(`### An? [^\\n]*${who}`));
    for (const path of [
      '/dashboard',
      '/v1/backlog',
      '/v1/statistics',
      '/v1/penalty-cases',
      '/v1/reports/yearly',
      '/v1/briefing-pack',
    ])
      expect(walks).toContain(path);
    // hand_over_goods items are objects (issue 14: they were documented as strings).
    expect(walks).toContain('"items": [{"description"');
  });

  it('lists in its API table only operations the gateway has, with their real methods', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const listed = [...readme.matchAll(/^\| `(GET|POST|HEAD) (\/v1\/[^`?]*)/gm)].map(
      ([, method, path]) => `${method} ${path?.replace(/:(\w+)|<(\w+)>/g, (_, a, b) => `{${a ?? b}}`)}`,
    );
    expect(listed.length).toBeGreaterThan(15);
    for (const operation of listed) expect(Object.keys(DECLARED), operation).toContain(operation);
  });

  it('lists every code of the error catalogue with its status', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const listed = readme.slice(readme.indexOf('Error codes:'), readme.indexOf('## Message catalogue'));
    for (const [code, { status }] of Object.entries(ERRORS))
      expect(listed, code).toMatch(new RegExp(`\`${code}\`\\s+${status}\\b`));
  });
});
