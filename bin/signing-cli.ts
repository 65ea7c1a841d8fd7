import { type Command, Option } from 'commander';
import { verifyEvidence } from '../crypto/evidence.js';
import type { Db } from '../db/connection.js';
import { addSigningKey, listSigningKeys, revokeSigningKey, setSignatureMode } from '../db/signing-keys.js';
import { RegionCodeSchema } from '../schemas/agency.js';
import { keyStandingAt, SIGNATURE_ALGS, SIGNATURE_MODES, type SignatureAlg } from '../schemas/signature.js';
import { writeKeyPair } from './keygen.js';
import { readUserFile, readUserJson, userPath } from './user-files.js';

type WithDb = <T>(fn: (db: Db) => Promise<T>) => Promise<T>;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** A held statement as given: the `hub.statement` envelope, its payload, or the statement itself. */
function heldStatementOf(held: unknown): unknown {
  if (held === undefined || held === null || typeof held !== 'object') return held;
  const payload = (held as { payload?: unknown }).payload;
  return payload !== undefined ? heldStatementOf(payload) : held;
}

function dateOption(value: string | undefined, name: string): Date | null {
  if (value === undefined) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) fail(`${name} must be an ISO 8601 time, e.g. 2027-01-01T00:00:00+08:00`);
  return date;
}

/**
 * Issue 15's commands: `keygen` (an agency's key pair), `agency key add|list|revoke` (the hub's registry
 * of agencies' public keys) and `region signatures` (optional or required), kept out of bin/hub.ts.
 */
export function registerSigningCommands(program: Command, agency: Command, region: Command, withDb: WithDb) {
  program
    .command('keygen')
    .description(
      "write an agency's signing key pair: <prefix>.key (PKCS#8 PEM, mode 0600), <prefix>.pub (SPKI PEM)",
    )
    .addOption(
      new Option('--alg <alg>', 'SM2 with SM3 (GM/T 0003) or Ed25519')
        .choices(SIGNATURE_ALGS)
        .makeOptionMandatory(),
    )
    .option('--out <prefix>', 'file name prefix (default: <alg>-<key id>)')
    .action(async (opts: { alg: SignatureAlg; out?: string }) => {
      const written = await writeKeyPair(opts.alg, opts.out, userPath('.')).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
          console.error(`${error.path} already exists; choose another --out`);
          process.exit(1);
        },
      );
      console.log(`key id ${written.keyId} (${written.alg})`);
      console.log(`private key ${written.privatePath} (keep it; never send it)`);
      console.log(`public key ${written.publicPath} (register it with the hub)`);
    });

  const key = agency.command('key').description("an agency's public keys for signed commands (issue 15)");
  key
    .command('add <agency> <publicKeyFile>')
    .description('register a public key (SPKI PEM, SM2 or Ed25519), valid from now or --from')
    .option('--from <time>', 'valid from (ISO 8601; default now)')
    .option('--until <time>', 'valid until (ISO 8601; default open-ended)')
    .action(async (code: string, file: string, opts: { from?: string; until?: string }) => {
      const { path, text: pem } = await readUserFile(file);
      const validFrom = dateOption(opts.from, '--from') ?? new Date();
      const validUntil = dateOption(opts.until, '--until');
      if (validUntil && validUntil <= validFrom) fail('--until must be after --from');
      const added = await withDb((db) =>
        addSigningKey(db, { agency: code, publicKeyPem: pem, validFrom, validUntil }),
      ).catch((error: Error & { code?: string }) => {
        if (error.code === '23505') fail('this key is already registered');
        if (error.code === '23503') fail(`no such agency: ${code}`);
        if (error.name === 'DerError') fail(`${path}: ${error.message}`);
        throw error;
      });
      console.log(
        `key id ${added.keyId} (${added.alg}) registered for ${added.agency} from ${added.validFrom}`,
      );
    });
  key
    .command('list [agency]')
    .description('every key with its validity and revocation (history kept)')
    .action(async (code?: string) => {
      const keys = await withDb((db) => listSigningKeys(db, code));
      const now = new Date();
      for (const k of keys) {
        const until = k.validUntil ?? 'open';
        const revoked = k.revokedAt ? ` revoked ${k.revokedAt}` : '';
        console.log(
          `${k.keyId}  ${k.agency}  ${k.alg}  ${k.validFrom} → ${until}${revoked}  ${keyStandingAt(k, now)}`,
        );
      }
      if (keys.length === 0) console.log('no keys');
    });
  key
    .command('revoke <keyId>')
    .description('revoke a key from now (or --at); signatures made before stay valid')
    .option('--at <time>', 'revoked from (ISO 8601; default now)')
    .option('--reason <text>', 'why (kept with the key)')
    .action(async (keyId: string, opts: { at?: string; reason?: string }) => {
      const at = dateOption(opts.at, '--at') ?? new Date();
      const done = await withDb((db) => revokeSigningKey(db, keyId, at, opts.reason ?? null));
      console.log(done ? `key ${keyId} revoked from ${at.toISOString()}` : 'no such key, or already revoked');
      if (!done) process.exitCode = 1;
    });

  program
    .command('evidence')
    .description("a referral's evidence file (GET /v1/referrals/:id/evidence)")
    .command('verify <file>')
    .description('check an evidence file offline (no database, no network); names the first failure')
    .option(
      '--statement <file>',
      'a hub.statement you hold (the message, or its statement): the file must use it',
    )
    .action(async (file: string, opts: { statement?: string }) => {
      const evidence = await readUserJson(file);
      const held = opts.statement === undefined ? undefined : await readUserJson(opts.statement);
      const report = verifyEvidence(evidence, heldStatementOf(held));
      for (const line of report.checks) console.log(`ok    ${line}`);
      if (report.ok) {
        console.log(`VERIFIED: ${report.events} events, ${report.signedEvents} signed by their agency`);
        return;
      }
      const where = report.failure.seq === undefined ? '' : ` (event ${report.failure.seq})`;
      console.log(`FAIL  ${report.failure.part}${where}: ${report.failure.message}`);
      process.exitCode = 1;
    });

  region
    .command('signatures <region> <mode>')
    .description('whether commands of the region must be signed: optional (checked when present) or required')
    .action(async (code: string, mode: string) => {
      if (!RegionCodeSchema.safeParse(code).success) fail(`not a region code: ${code}`);
      const parsed = SIGNATURE_MODES.find((m) => m === mode);
      if (!parsed) fail(`mode must be one of ${SIGNATURE_MODES.join(', ')}`);
      await withDb((db) => setSignatureMode(db, code, parsed));
      console.log(`region ${code}: signatures ${parsed} (in effect within 10 s)`);
    });
}
