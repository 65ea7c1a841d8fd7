import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeKeyPair } from '../../bin/keygen.js';
import { importPrivateKey, importPublicKey } from '../../crypto/keys.js';
import { SIGNATURE_ALGS } from '../../schemas/signature.js';

const root = new URL('../../', import.meta.url).pathname;
/** What `npm run hub` puts in the environment, typed in `dir`. */
const npmRunHub = () => ({
  ...process.env,
  INIT_CWD: dir,
  npm_lifecycle_event: 'hub',
  npm_package_json: join(root, 'package.json'),
});
const dir = mkdtempSync(join(tmpdir(), 'hub-keygen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hub keygen', () => {
  it.each(SIGNATURE_ALGS)(
    'writes a %s key pair: the private key for its owner only, both files readable',
    async (alg) => {
      const written = await writeKeyPair(alg, join(dir, alg));
      expect(statSync(written.privatePath).mode & 0o777).toBe(0o600);
      const privateKey = importPrivateKey(readFileSync(written.privatePath, 'utf8'));
      const publicKey = importPublicKey(readFileSync(written.publicPath, 'utf8'));
      expect([privateKey.alg, publicKey.alg]).toEqual([alg, alg]);
      expect(publicKey.keyId).toBe(written.keyId);
      expect(privateKey.publicKey.keyId).toBe(written.keyId);
      // OpenSSL reads both files, so an agency can sign with them on the command line.
      execFileSync('openssl', ['pkey', '-in', written.privatePath, '-noout']);
      execFileSync('openssl', ['pkey', '-pubin', '-in', written.publicPath, '-noout']);
    },
  );

  it('never overwrites an existing key, and leaves no half pair behind', async () => {
    const prefix = join(dir, 'taken');
    writeFileSync(`${prefix}.pub`, 'registered public key');
    await expect(writeKeyPair('sm2', prefix)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(() => statSync(`${prefix}.key`)).toThrow();
    expect(readFileSync(`${prefix}.pub`, 'utf8')).toBe('registered public key');
  });

  it('prints the key id from the command line', () => {
    const prefix = join(dir, 'cli');
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'bin/hub.ts', 'keygen', '--alg', 'ed25519', '--out', prefix],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    const keyId = importPublicKey(readFileSync(`${prefix}.pub`, 'utf8')).keyId;
    expect(out).toContain(`key id ${keyId} (ed25519)`);
  });

  it('writes relative names in the folder `npm run hub` was typed in (npm keeps it in INIT_CWD)', () => {
    // `npm run hub -- keygen --out agency` runs in the project's folder; before, the pair landed there.
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'bin/hub.ts', 'keygen', '--alg', 'ed25519', '--out', 'typed-here'],
      { cwd: root, encoding: 'utf8', env: npmRunHub() },
    );
    expect(out).toContain(`private key ${join(dir, 'typed-here.key')}`);
    expect(statSync(join(dir, 'typed-here.pub')).isFile()).toBe(true);
    expect(() => statSync(join(root, 'typed-here.key'))).toThrow();
  });
});

describe('files named on the command line', () => {
  it('that cannot be read are named in one line with exit 2, not a stack trace', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bin/hub.ts', 'agency', 'key', 'add', 'enf-a', 'no-such.pub'],
      { cwd: root, encoding: 'utf8', env: npmRunHub() },
    );
    expect([run.status, run.stderr]).toEqual([2, `${join(dir, 'no-such.pub')}: cannot read it (ENOENT)\n`]);
    const notJson = join(dir, 'region.json');
    writeFileSync(notJson, '{"region":');
    const load = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bin/hub.ts', 'region', 'load', 'region.json'],
      { cwd: root, encoding: 'utf8', env: npmRunHub() },
    );
    expect(load.status).toBe(2);
    expect(load.stderr.startsWith(`${notJson}: not JSON (`)).toBe(true);
    // Run some other way (node itself, or a script of another npm run that left INIT_CWD behind), a
    // relative name is read from the current folder.
    const other = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bin/hub.ts', 'agency', 'key', 'add', 'enf-a', 'no-such.pub'],
      { cwd: root, encoding: 'utf8', env: { ...npmRunHub(), npm_lifecycle_event: 'test' } },
    );
    expect([other.status, other.stderr]).toEqual([
      2,
      `${join(root, 'no-such.pub')}: cannot read it (ENOENT)\n`,
    ]);
  });
});
