import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeKeyPair } from '../../bin/keygen.js';
import { importPrivateKey, importPublicKey } from '../../crypto/keys.js';
import { SIGNATURE_ALGS } from '../../schemas/signature.js';

const root = new URL('../../', import.meta.url).pathname;
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
});
