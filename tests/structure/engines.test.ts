import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// semver comes with fastify (and npm): the same range logic npm uses for its EBADENGINE warning.
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};
const read = (file: string) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));

describe('the Node the README targets', () => {
  it('is accepted by every locked package, so that `npm ci` on Node 20 warns no EBADENGINE', () => {
    const floor = semver.minVersion(read('package.json').engines.node)?.version ?? '';
    expect(floor).toMatch(/^20\./);
    const lock = read('package-lock.json') as { packages: Record<string, { engines?: { node?: string } }> };
    const refusing = Object.entries(lock.packages)
      .filter(([, p]) => typeof p.engines?.node === 'string')
      .filter(([, p]) => !semver.satisfies(floor, p.engines?.node as string))
      .map(([path, p]) => `${path} wants node ${p.engines?.node}`);
    expect(refusing).toEqual([]);
  });
});
