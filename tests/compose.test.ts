import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// tests/structure/compose.test.ts checks the services, health checks, environment and commands of
// docker-compose.yml; this file checks the image those services run and how they start it.
const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

type Service = { build?: unknown; image?: string; command?: string[] };
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const APP_SERVICES = ['migrate', 'gateway', 'workers'];
const ENTRY_POINTS = ['gateway/main.ts', 'workers/main.ts', 'bin/hub.ts'];

const dockerfile = read('Dockerfile');
const instructions = dockerfile
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));
const argumentsOf = (keyword: string) =>
  instructions.filter((line) => line.startsWith(`${keyword} `)).map((line) => line.slice(keyword.length + 1));

/** Every repository file reached from the entry points through relative imports. */
function importedFiles(): Set<string> {
  const seen = new Set<string>();
  const pending = [...ENTRY_POINTS];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of read(file).matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = new URL(match[1]!.replace(/\.js$/, '.ts'), new URL(file, root));
      pending.push(target.pathname.slice(root.pathname.length));
    }
  }
  return seen;
}

describe('the Docker image', () => {
  it('runs on the Node 20 Debian slim image (built in the full one) as a user other than root', () => {
    // The SM2 verifier is compiled in a stage that has a C compiler; the hub runs on the slim image.
    expect(argumentsOf('FROM')).toEqual(['node:20-bookworm AS build', 'node:20-bookworm-slim']);
    const users = argumentsOf('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('installs exactly the locked dependencies, which include tsx because there is no build step', () => {
    expect(instructions.some((line) => /^RUN .*\bnpm ci\b/.test(line))).toBe(true);
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).toContain('tsx');
  });

  it('copies every directory the gateway, the workers and the CLI import from', () => {
    const copied = new Set(argumentsOf('COPY').flatMap((args) => args.split(/\s+/).slice(0, -1)));
    const needed = new Set([...importedFiles()].map((file) => file.split('/')[0]!));
    for (const dir of needed) expect(copied, dir).toContain(dir);
    expect(copied).toContain('package-lock.json');
  });

  it('builds the SM2 verifier in the build stage and carries it into the image', () => {
    // npm ci's postinstall runs scripts/build-native.mjs on native/: both must be there before it.
    const install = instructions.findIndex((line) => /^RUN .*\bnpm ci\b/.test(line));
    const before = instructions.slice(0, install).filter((line) => line.startsWith('COPY '));
    expect(before.some((line) => line.includes('scripts/build-native.mjs'))).toBe(true);
    expect(before.some((line) => /^COPY native\b/.test(line))).toBe(true);
    expect(argumentsOf('COPY')).toContain('--from=build /app/build ./build');
    // Where the module is not built (not x86-64) the folder must still exist for that COPY.
    expect(instructions[install]).toMatch(/&& mkdir -p build$/);
  });

  it('runs the gateway by default', () => {
    const cmd = argumentsOf('CMD').at(-1);
    expect(cmd).toBeDefined();
    expect(JSON.parse(cmd!)).toContain('gateway/main.ts');
  });

  it('keeps dependencies, results and history out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['node_modules', 'test-results', 'bench-results', '.git'])
      expect(ignored).toContain(entry);
  });
});

describe('how docker-compose.yml starts the hub', () => {
  it('builds every app service from the Dockerfile in the repository', () => {
    for (const name of APP_SERVICES) expect(compose.services[name]?.build, name).toBe('.');
    expect(existsSync(new URL('Dockerfile', root))).toBe(true);
  });

  it('starts each app service with node itself, so that SIGTERM reaches the code that shuts down gracefully', () => {
    // `npx tsx …` puts npm and a shell in front of node; npm exits on SIGTERM without passing it on.
    const commands = [...APP_SERVICES.map((name) => compose.services[name]?.command)];
    commands.push(JSON.parse(argumentsOf('CMD').at(-1) ?? '[]'));
    for (const command of commands) {
      expect(command?.slice(0, 3)).toEqual(['node', '--import', 'tsx']);
      expect(ENTRY_POINTS).toContain(command?.[3]);
    }
  });
});
