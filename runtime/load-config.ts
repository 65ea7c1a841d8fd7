import { type Config, parseConfig } from '../schemas/config.js';

/** Parses the environment or exits non-zero with a message that names each bad variable. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  const result = parseConfig(env);
  if (!result.ok) {
    console.error(result.message);
    process.exit(2);
  }
  return result.value;
}
