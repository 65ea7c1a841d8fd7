import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every static (`from '…'`, `import '…'`) and dynamic (`import('…')`) import, with its line. */
function imports(file: string): { line: number; target: string }[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'([^']+)'/gm)].map((m) => ({
    line: text.slice(0, m.index).split('\n').length,
    target: m[1] ?? '',
  }));
}

function offences(dir: string, forbidden: (target: string, file: string) => boolean): string[] {
  return sources(dir).flatMap((file) =>
    imports(file)
      .filter((i) => forbidden(i.target, file))
      .map((i) => `${file}:${i.line} imports ${i.target}`),
  );
}

/** Resolved top folder of a relative import ('../db/x.js' from gateway/routes → 'db'). */
function folderOf(file: string, target: string): string | undefined {
  if (!target.startsWith('.')) return undefined;
  return join(file, '..', target).split('/')[0];
}

describe('layering: schemas ← crypto ← db ← runtime ← {gateway, workers} ← bin', () => {
  it('keeps schemas pure: only zod and other schemas', () => {
    expect(
      offences('schemas', (t, f) => (t.startsWith('.') ? folderOf(f, t) !== 'schemas' : t !== 'zod')),
    ).toEqual([]);
  });

  it('keeps db free of gateway, workers, runtime and bin', () => {
    expect(
      offences('db', (t, f) => ['gateway', 'workers', 'bin', 'runtime'].includes(folderOf(f, t) ?? '')),
    ).toEqual([]);
  });

  it('keeps crypto pure: node:crypto, @noble/curves, schemas and itself; no database, network or files', () => {
    // node:module in one file only: it loads the project's own SM2 verifier (build/sm2_z256.node).
    const allowed = (t: string, f: string) =>
      t === 'node:crypto' ||
      t === 'node:buffer' ||
      t.startsWith('@noble/curves/') ||
      (t === 'node:module' && f === 'crypto/sm2-gmssl.ts');
    expect(
      offences('crypto', (t, f) =>
        t.startsWith('.') ? !['crypto', 'schemas'].includes(folderOf(f, t) ?? '') : !allowed(t, f),
      ),
    ).toEqual([]);
  });

  it('keeps runtime (config, logger, metrics, the command path per process) below the doors', () => {
    expect(
      offences('runtime', (t, f) => ['gateway', 'workers', 'bin'].includes(folderOf(f, t) ?? '')),
    ).toEqual([]);
  });

  it('keeps SQL in db/: no kysely or pg outside it', () => {
    const sqlImport = (t: string) => t === 'kysely' || t === 'pg' || t.startsWith('kysely/');
    for (const dir of ['gateway', 'workers', 'bin', 'runtime', 'schemas', 'crypto']) {
      expect(
        offences(dir, (t) => sqlImport(t)),
        dir,
      ).toEqual([]);
    }
  });

  it('keeps the gateway and the workers apart', () => {
    expect(offences('gateway', (t, f) => ['workers', 'bin'].includes(folderOf(f, t) ?? ''))).toEqual([]);
    expect(offences('workers', (t, f) => ['gateway', 'bin'].includes(folderOf(f, t) ?? ''))).toEqual([]);
  });
});
