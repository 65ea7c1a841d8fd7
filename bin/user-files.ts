import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * A file named on the command line, where the user meant it: `npm run hub -- …` runs in the project's
 * folder whatever folder it was typed in, and npm keeps that folder in INIT_CWD. Only then: any other way
 * (node itself, docker compose, another script that changed folder first, a child of some npm process that
 * left INIT_CWD behind), the current folder.
 */
export function userPath(file: string): string {
  const { INIT_CWD, npm_lifecycle_event, npm_package_json } = process.env;
  const byNpmRunHub =
    INIT_CWD !== undefined &&
    npm_lifecycle_event === 'hub' &&
    npm_package_json !== undefined &&
    dirname(npm_package_json) === process.cwd();
  return resolve(byNpmRunHub ? INIT_CWD : process.cwd(), file);
}

/** Says what is wrong with a file the user named, in one line, and exits 2 (input the command refuses). */
export function refuseFile(path: string, why: string): never {
  console.error(`${path}: ${why}`);
  process.exit(2);
}

/** A text file the user named; one line and exit 2 when it cannot be read. */
export async function readUserFile(file: string): Promise<{ path: string; text: string }> {
  const path = userPath(file);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) =>
    refuseFile(path, `cannot read it (${error.code ?? error.message})`),
  );
  return { path, text };
}

/** A JSON file the user named; one line and exit 2 when it cannot be read or is not JSON. */
export async function readUserJson(file: string): Promise<unknown> {
  const { path, text } = await readUserFile(file);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return refuseFile(path, `not JSON (${(error as Error).message})`);
  }
}
