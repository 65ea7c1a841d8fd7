import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { exportPrivateKey, exportPublicKey, generateKeyPair } from '../../crypto/keys.js';
import { signingKeyFileProblem } from '../../runtime/load-config.js';
import { ConfigSchema, parseConfig } from '../../schemas/config.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SETTINGS = Object.keys(ConfigSchema.shape);

function defaults() {
  return defaultsWith({});
}

function defaultsWith(env: Record<string, string>) {
  const parsed = parseConfig(env);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

/** The variables a failure message names, one per `  NAME: reason` line. */
function namedIn(message: string): string[] {
  return [...message.matchAll(/^\s+(\w+): /gm)].map((m) => m[1] ?? '');
}

/** The README's table of variables and defaults; a row may document several, comma-separated. */
function documentedDefaults(): Record<string, string> {
  const rows = readFileSync(`${root}README.md`, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| `'));
  return Object.fromEntries(
    rows.flatMap((row) => {
      const [variables = '', values = ''] = row.split('|').slice(1, 3);
      const names = [...variables.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1] ?? '');
      const given =
        values.trim() === '(empty)'
          ? ['']
          : values.trim() === '(unset)'
            ? ['undefined']
            : [...values.matchAll(/`([^`]*)`/g)].map((m) => m[1]);
      return names.map((name, i) => [name, given[i] ?? '(none)']);
    }),
  );
}

/** Loads the configuration in a child process the way bin/ does, with `env` added to this environment. */
function loadInChild(env: Record<string, string>) {
  return spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      "import('./runtime/load-config.ts').then((m) => console.log(JSON.stringify(m.loadConfigOrExit())))",
    ],
    { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 },
  );
}

describe('parseConfig', () => {
  it('gives every setting a value when the environment is empty, but those the README documents as unset', () => {
    const config = defaults();
    const unset = Object.entries(documentedDefaults())
      .filter(([, value]) => value === 'undefined')
      .map(([name]) => name);
    expect(unset.sort()).toEqual(['HUB_CRASH_AT', 'HUB_SIGNING_KEY_FILE']);
    const valued = SETTINGS.filter((name) => !unset.includes(name));
    expect(Object.keys(config).sort()).toEqual([...valued].sort());
    for (const name of valued) expect(config[name as keyof typeof config], name).not.toBeUndefined();
  });

  it('uses the defaults the README documents', () => {
    const config = defaults();
    const documented = documentedDefaults();
    expect(Object.keys(documented).sort()).toEqual([...SETTINGS].sort());
    for (const name of SETTINGS) {
      expect(String(config[name as keyof typeof config]), name).toBe(documented[name]);
    }
  });

  it('accepts its own defaults written back as environment strings', () => {
    const config = defaults();
    const env = Object.fromEntries(Object.entries(config).map(([name, value]) => [name, String(value)]));
    expect(parseConfig(env)).toEqual({ ok: true, value: config });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['LOG_LEVEL', 'loud'],
    ['AMQP_PREFIX', 'Has Spaces'],
    ['AMQP_PREFIX', 'UPPER.'],
  ])('refuses %s=%s with a message that names that variable and no other', (name, value) => {
    const config = parseConfig({ [name]: value });
    expect(config.ok).toBe(false);
    if (!config.ok) expect(namedIn(config.message)).toEqual([name]);
  });

  it.each(['0', '65535'])('accepts PORT=%s and turns it into a number', (port) => {
    const config = parseConfig({ PORT: port });
    expect(config.ok && config.value.PORT).toBe(Number(port));
  });

  it('names every bad variable when several are bad', () => {
    const config = parseConfig({ PORT: 'abc', LOG_LEVEL: 'loud', AMQP_PREFIX: 'A B' });
    expect(config.ok).toBe(false);
    if (!config.ok) expect(namedIn(config.message).sort()).toEqual(['AMQP_PREFIX', 'LOG_LEVEL', 'PORT']);
  });

  it('returns a frozen configuration that no module can change', () => {
    const config = defaults();
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { PORT: number }).PORT = config.PORT + 1;
    }).toThrow(TypeError);
  });
});

describe('loadConfigOrExit', () => {
  it('stops the process with exit code 2 and a message naming the variable', () => {
    const run = loadInChild({ PORT: 'abc' });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(2);
    expect(namedIn(run.stderr)).toContain('PORT');
    expect(run.stdout).toBe('');
  });

  it('reads process.env by default and returns the parsed configuration', () => {
    const port = String(1024 + Math.floor(Math.random() * 60_000));
    const run = loadInChild({ PORT: port });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).PORT).toBe(Number(port));
  });
});

describe('HUB_SIGNING_KEY_FILE, checked by what signs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-key-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const problem = (env: Record<string, string>) => signingKeyFileProblem(defaultsWith(env));
  const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it('accepts no key file, and key files of either algorithm as hub keygen writes them', () => {
    expect(problem({})).toBeUndefined();
    for (const alg of ['sm2', 'ed25519'] as const) {
      expect(
        problem({ HUB_SIGNING_KEY_FILE: file(`${alg}.key`, exportPrivateKey(generateKeyPair(alg))) }),
      ).toBeUndefined();
    }
  });

  it('names a file it cannot read, or one that holds no private key, and why', () => {
    const missing = join(dir, 'missing.key');
    expect(problem({ HUB_SIGNING_KEY_FILE: missing })).toBe(
      `HUB_SIGNING_KEY_FILE: cannot read ${missing} (ENOENT)`,
    );
    const publicHalf = file('public.pem', exportPublicKey(generateKeyPair('sm2').publicKey));
    for (const path of [file('garbage.key', 'not a key'), publicHalf]) {
      expect(problem({ HUB_SIGNING_KEY_FILE: path, HUB_SIGNING_ALG: 'ed25519' })).toMatch(
        new RegExp(
          `^HUB_SIGNING_KEY_FILE: ${escaped(path)} holds no private key the hub can sign with \\(malformed key: .*restore it.*hub keygen --alg ed25519`,
        ),
      );
    }
  });

  it('stops what signs with exit 2 and that line; the configuration alone does not look at the file', () => {
    const missing = join(dir, 'missing.key');
    const run = (code: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
        cwd: root,
        env: { ...process.env, HUB_SIGNING_KEY_FILE: missing },
        encoding: 'utf8',
        timeout: 20_000,
      });
    const checked = run(
      "import('./runtime/load-config.ts').then((m) => { m.checkSigningKeyOrExit(m.loadConfigOrExit()); console.log('ran'); })",
    );
    expect(checked.status).toBe(2);
    expect(checked.stderr.trim()).toBe(`HUB_SIGNING_KEY_FILE: cannot read ${missing} (ENOENT)`);
    expect(checked.stdout).toBe('');
    const loaded = loadInChild({ HUB_SIGNING_KEY_FILE: missing });
    expect(loaded.status, loaded.stderr).toBe(0);
  });
});
