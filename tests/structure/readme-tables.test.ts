import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeWithTables } from '../../scripts/readme-tables.js';

describe('the README', () => {
  it('shows the lifecycle and the deadline rules exactly as the tables in schemas/ are', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    // If this fails: npx tsx scripts/readme-tables.ts --write
    expect(readme).toBe(readmeWithTables(readme));
  });
});
