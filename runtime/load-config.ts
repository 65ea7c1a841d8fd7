import { readFileSync } from 'node:fs';
import { importPrivateKey } from '../crypto/keys.js';
import { type Config, parseConfig } from '../schemas/config.js';

export type LoadedConfig = { ok: true; value: Config } | { ok: false; message: string };

/**
 * The environment parsed, and what it names on disk checked: a HUB_SIGNING_KEY_FILE that cannot be read or
 * holds no key the hub can sign with is refused here, at start, rather than when the first message is
 * sealed (a workers process would otherwise run on, sending nothing).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): LoadedConfig {
  const result = parseConfig(env);
  if (!result.ok) return result;
  const file = result.value.HUB_SIGNING_KEY_FILE;
  if (file !== undefined) {
    let pem: string;
    try {
      pem = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      return { ok: false, message: `HUB_SIGNING_KEY_FILE: cannot read ${file} (${code})` };
    }
    try {
      importPrivateKey(pem);
    } catch (error) {
      return {
        ok: false,
        message: `HUB_SIGNING_KEY_FILE: ${file} holds no key the hub can sign with (${(error as Error).message}); \`hub keygen --alg sm2 --out <prefix>\` writes one as <prefix>.key`,
      };
    }
  }
  return result;
}

/** Loads the configuration or exits 2 with a message that names each bad variable. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  const result = loadConfig(env);
  if (!result.ok) {
    console.error(result.message);
    process.exit(2);
  }
  return result.value;
}
