#!/usr/bin/env node
// Builds build/sm2_z256.node, SM2 verification on GmSSL's sm2_z256 (native/): run by `npm ci`/`npm install`
// (postinstall) and by `npm run build:native`. It needs a C compiler (`cc`, or $CC) and Node's headers, and
// is built on Linux x86-64 only (GmSSL's assembly; its portable C is slower than OpenSSL's). Without it
// the hub verifies SM2 with OpenSSL: the same answers, about five times the CPU. So a build that cannot
// be made is a notice, never a failed install; `--strict` makes it an error (CI checks the build so).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build', 'sm2_z256.node');
const strict = process.argv.includes('--strict');

function skip(reason) {
  rmSync(out, { force: true });
  const line = `sm2_z256 not built (${reason}): SM2 signatures will be verified with OpenSSL (about five times the CPU a verification)`;
  if (strict) {
    console.error(line);
    process.exit(1);
  }
  console.warn(line);
  process.exit(0);
}

if (process.platform !== 'linux' || process.arch !== 'x64') skip(`${process.platform}-${process.arch}`);
const headers = resolve(dirname(process.execPath), '..', 'include', 'node');
if (!existsSync(join(headers, 'node_api.h'))) skip(`no node_api.h in ${headers}`);

const native = join(root, 'native');
const gmssl = join(native, 'gmssl');
// CC as make reads it: a program and its first arguments ("ccache gcc").
const [cc = 'cc', ...ccArgs] = (process.env.CC || 'cc').trim().split(/\s+/);
mkdirSync(dirname(out), { recursive: true });
// Built beside and renamed into place, so that a process starting meanwhile never loads half a file.
const made = join(dirname(out), `sm2_z256.${process.pid}.tmp.node`);
const args = [
  ...ccArgs,
  '-O2',
  '-fPIC',
  '-shared',
  '-fvisibility=hidden',
  '-Wl,-Bsymbolic',
  // Every symbol bound when the module is loaded: one missing refuses the load (the hub then uses OpenSSL)
  // instead of ending the process at the first call.
  '-Wl,-z,now',
  '-Xlinker',
  `--version-script=${join(native, 'exports.map')}`,
  '-DDEBUG=0',
  '-DENABLE_SM2_AMD64',
  '-DNAPI_VERSION=8',
  `-I${join(gmssl, 'include')}`,
  `-I${headers}`,
  '-o',
  made,
  join(native, 'sm2-verify.c'),
  join(gmssl, 'src', 'sm2_z256.c'),
  join(gmssl, 'src', 'sm2_z256_table.c'),
  join(gmssl, 'src', 'sm2_z256_amd64.S'),
];
const ended = (child) => (child.signal ? `was stopped by ${child.signal}` : `exited ${child.status}`);
const run = spawnSync(cc, args, { stdio: ['ignore', 'inherit', 'inherit'] });
if (run.error) skip(`${cc}: ${run.error.code ?? run.error.message}`);
if (run.status !== 0) {
  rmSync(made, { force: true });
  skip(`${cc} ${ended(run)}`);
}
// Loaded once (linked with -z now, so every symbol is bound as it loads): a reference nothing resolves
// fails here, not in the hub.
const load = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(made)})`], { encoding: 'utf8' });
if (load.status !== 0) {
  rmSync(made, { force: true });
  const lines = (load.stderr ?? '').trim().split('\n');
  skip(`it does not load: ${lines.find((line) => /error/i.test(line)) || lines[0] || ended(load)}`);
}
try {
  renameSync(made, out);
} catch (error) {
  rmSync(made, { force: true });
  skip(`cannot put it in place: ${error.code ?? error.message}`);
}
console.log(`built ${out}`);
