import { readFileSync } from 'node:fs';
import { importPrivateKey } from '../crypto/keys.js';
import { type Config, parseConfig } from '../schemas/config.js';

/** Parses the environment or exits 2 with a message that names each bad variable. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  const result = parseConfig(env);
  if (!result.ok) {
    console.error(result.message);
    process.exit(2);
  }
  return result.value;
}

/**
 * Why HUB_SIGNING_KEY_FILE cannot serve, if it is set and cannot: a file that cannot be read, or holds no
 * private key the hub can sign with. Only what signs asks (hub start, the workers, the yearly report): an
 * operator's other commands run where the key is not mounted.
 */
export function signingKeyFileProblem(config: Config): string | undefined {
  const file = config.HUB_SIGNING_KEY_FILE;
  if (file === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    return `HUB_SIGNING_KEY_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  try {
    importPrivateKey(pem);
    return undefined;
  } catch (error) {
    return (
      `HUB_SIGNING_KEY_FILE: ${file} holds no private key the hub can sign with (${(error as Error).message}); ` +
      `restore it, or make a new key (a new identity for the hub's seals) with ` +
      `\`hub keygen --alg ${config.HUB_SIGNING_ALG} --out <prefix>\` and name <prefix>.key`
    );
  }
}

/**
 * Checked at start by what signs: a workers process with a key file it cannot use would otherwise run on
 * and send nothing (the relay sends nothing unsealed), and hub start would die with a stack trace.
 */
export function checkSigningKeyOrExit(config: Config): void {
  const problem = signingKeyFileProblem(config);
  if (problem) {
    console.error(problem);
    process.exit(2);
  }
}
