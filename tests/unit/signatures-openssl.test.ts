import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalBytes } from '../../crypto/jcs.js';
import {
  exportPrivateKey,
  exportPublicKey,
  generateKeyPair,
  importPrivateKey,
  importPublicKey,
  type Sm2PublicKey,
} from '../../crypto/keys.js';
import { signCommand, verifyCommand } from '../../crypto/signatures.js';
import { decodeSm2Signature as decode, sm2Verify } from '../../crypto/sm2.js';

/**
 * The second implementation: the OpenSSL command line (3.x) signs what the hub verifies and verifies what
 * the hub signs (by Node's OpenSSL, crypto/sm2-native.ts). It also pins down why the hub does not use Node's
 * one-shot crypto.sign for SM2.
 */
function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function opensslHasSm2(): boolean {
  try {
    return /\bSM2\b/.test(openssl('list', '-public-key-algorithms'));
  } catch {
    return false;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'hub-openssl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content?: string | Buffer) => {
  const path = join(dir, name);
  if (content !== undefined) writeFileSync(path, content);
  return path;
};

const command = {
  messageId: '5d0c1f3e-2b8a-4e1f-9d2c-1a3b5c7d9e0f',
  type: 'command.action',
  referralId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  payload: {
    action: 'file',
    caseNumber: '渝公(刑)立字〔2026〕12号',
    defendants: 2,
    detained: true,
    note: null,
  },
};
const data = file('command.json', canonicalBytes(command));
const SM2_SIGN = ['pkeyutl', '-sign', '-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678'];
const SM2_VERIFY = ['pkeyutl', '-verify', '-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678'];

describe.skipIf(!opensslHasSm2())('SM2 against the OpenSSL command line', () => {
  it('verifies what OpenSSL signs (pkeyutl and dgst) with a key OpenSSL generated', () => {
    const key = file('openssl-sm2.key');
    openssl('genpkey', '-algorithm', 'SM2', '-out', key);
    const privateKey = importPrivateKey(readFileSync(key, 'utf8'));
    expect(exportPrivateKey(privateKey)).toBe(readFileSync(key, 'utf8'));
    for (const tool of [
      [...SM2_SIGN, '-inkey', key, '-in', data],
      ['dgst', '-sm3', '-sign', key, '-sigopt', 'distid:1234567812345678', data],
    ]) {
      const signature = execFileSync('openssl', tool).toString('base64');
      expect(verifyCommand(command, { alg: 'sm2', signature }, privateKey.publicKey)).toMatchObject({
        ok: true,
      });
    }
  });

  it('signs what OpenSSL verifies, with a key the hub generated', () => {
    const privateKey = generateKeyPair('sm2');
    const pub = file('hub-sm2.pub', exportPublicKey(privateKey.publicKey));
    const signature = signCommand(command, privateKey);
    const sig = file('hub-sm2.sig', Buffer.from(signature.signature, 'base64'));
    expect(openssl(...SM2_VERIFY, '-pubin', '-inkey', pub, '-in', data, '-sigfile', sig)).toMatch(
      /Signature Verified Successfully/,
    );
    // Without distid OpenSSL 3 takes an empty user id, so the same signature fails: the id matters.
    expect(() =>
      openssl(
        'pkeyutl',
        '-verify',
        '-rawin',
        '-digest',
        'sm3',
        '-pubin',
        '-inkey',
        pub,
        '-in',
        data,
        '-sigfile',
        sig,
      ),
    ).toThrow();
  });

  it("shows Node's crypto signs SM2 with an empty user id, and plain ECDSA with a generated key", () => {
    const privateKey = generateKeyPair('sm2');
    const message = canonicalBytes(command);
    const fromPem = createPrivateKey(exportPrivateKey(privateKey));
    const signature = decode(nodeSign(null, message, fromPem));
    const publicKey = privateKey.publicKey.point;
    expect(sm2Verify({ publicKey, message, signature })).toBe(false);
    expect(sm2Verify({ publicKey, message, signature, userId: Buffer.alloc(0) })).toBe(true);

    // A key Node generates on the SM2 curve is an EC key: crypto.sign makes ECDSA, no Z under any id.
    const generated = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const ecdsa = decode(nodeSign('sm3', message, generated.privateKey));
    const { point } = importPublicKey(
      generated.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    ) as Sm2PublicKey;
    for (const userId of [undefined, Buffer.alloc(0)]) {
      expect(sm2Verify({ publicKey: point, message, signature: ecdsa, userId })).toBe(false);
    }
    expect(generated.privateKey.asymmetricKeyType).toBe('ec');
    expect(fromPem.asymmetricKeyType).toBeUndefined();
  });
});

describe('Ed25519 against the OpenSSL command line', () => {
  it('verifies what OpenSSL signs and signs what OpenSSL verifies', () => {
    const key = file('openssl-ed25519.key');
    openssl('genpkey', '-algorithm', 'ED25519', '-out', key);
    const privateKey = importPrivateKey(readFileSync(key, 'utf8'));
    const fromOpenssl = execFileSync('openssl', ['pkeyutl', '-sign', '-rawin', '-inkey', key, '-in', data]);
    const signature = { alg: 'ed25519' as const, signature: fromOpenssl.toString('base64') };
    expect(verifyCommand(command, signature, privateKey.publicKey)).toMatchObject({ ok: true });

    const ours = generateKeyPair('ed25519');
    const pub = file('hub-ed25519.pub', exportPublicKey(ours.publicKey));
    const sig = file('hub-ed25519.sig', Buffer.from(signCommand(command, ours).signature, 'base64'));
    expect(
      openssl('pkeyutl', '-verify', '-rawin', '-pubin', '-inkey', pub, '-in', data, '-sigfile', sig),
    ).toMatch(/Signature Verified Successfully/);
  });
});
