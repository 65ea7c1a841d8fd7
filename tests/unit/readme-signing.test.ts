import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKeyPair } from '../../bin/keygen.js';
import { importPublicKey } from '../../crypto/keys.js';
import { verifyCommand } from '../../crypto/signatures.js';
import { DetachedSignatureSchema } from '../../schemas/signature.js';

/**
 * The README's "Signing commands" examples, run as written: what an agency copies must produce exactly
 * the signature the hub verifies.
 */
const root = new URL('../../', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Signing commands'), readme.indexOf('## Benchmark'));
const blocks = (lang: string) =>
  [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1] ?? '');
const shellSigning = blocks('sh').find((b) => b.includes('pkeyutl -sign'));
const typescript = blocks('ts')[0];

// Inside the repository, so that the example's `@noble/curves` import resolves like an agency's would.
const dir = mkdtempSync(join(root, '.readme-example-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await writeKeyPair('sm2', join(dir, 'agency-sm2'));
  await writeKeyPair('ed25519', join(dir, 'agency-ed25519'));
});
const publicKey = (alg: 'sm2' | 'ed25519') =>
  importPublicKey(readFileSync(join(dir, `agency-${alg}.pub`), 'utf8'));

describe("the README's signing examples", () => {
  it('has a command-line example and a TypeScript example', () => {
    expect(shellSigning).toContain('distid:1234567812345678');
    expect(typescript).toContain("createHash('sm3')");
  });

  it('signs with OpenSSL exactly what the hub verifies, and prints the key id the hub computes', () => {
    const [sm2, ed25519, keyId] = execFileSync('bash', ['-euo', 'pipefail', '-c', shellSigning ?? ''], {
      cwd: dir,
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    const command = JSON.parse(readFileSync(join(dir, 'command.json'), 'utf8'));
    expect(verifyCommand(command, { alg: 'sm2', signature: sm2 ?? '' }, publicKey('sm2'))).toMatchObject({
      ok: true,
    });
    expect(
      verifyCommand(command, { alg: 'ed25519', signature: ed25519 ?? '' }, publicKey('ed25519')),
    ).toMatchObject({ ok: true });
    expect(keyId).toBe(publicKey('sm2').keyId);
    const tampered = { ...command, payload: { ...command.payload, note: '未签收' } };
    expect(verifyCommand(tampered, { alg: 'sm2', signature: sm2 ?? '' }, publicKey('sm2'))).toMatchObject({
      ok: false,
    });
  });

  it.each(['sm2', 'ed25519'] as const)(
    'signs with the TypeScript example exactly what the hub verifies (%s)',
    (alg) => {
      const script = join(dir, 'sign-command.ts');
      writeFileSync(script, typescript ?? '');
      writeFileSync(
        join(dir, 'command.json'),
        JSON.stringify(
          { type: 'command.action', payload: { note: '已签收', pages: 3 }, late: false, reason: null },
          null,
          2,
        ),
      );
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', script, `agency-${alg}.key`, 'command.json'],
        { cwd: dir, encoding: 'utf8' },
      );
      const signature = DetachedSignatureSchema.parse(JSON.parse(out));
      const command = JSON.parse(readFileSync(join(dir, 'command.json'), 'utf8'));
      expect(signature).toMatchObject({ alg, keyId: publicKey(alg).keyId });
      expect(verifyCommand(command, signature, publicKey(alg))).toEqual({
        ok: true,
        alg,
        keyId: publicKey(alg).keyId,
      });
    },
  );
});
