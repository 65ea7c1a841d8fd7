import { readFile } from 'node:fs/promises';
import { canonicalBytes } from '../crypto/jcs.js';
import {
  exportPrivateKey,
  exportPublicKey,
  generateKeyPair,
  importPrivateKey,
  type PrivateKey,
} from '../crypto/keys.js';
import { type MessageSeal, sealCanonicalTexts, sealMessages } from '../crypto/message-seal.js';
import { sign } from '../crypto/signatures.js';
import type { Db } from '../db/connection.js';
import { recordHubKey, storedHubPrivateKey } from '../db/hub-keys.js';
import type { CanonicalText } from '../schemas/canonical-json.js';
import type { Config } from '../schemas/config.js';
import type { DetachedSignature } from '../schemas/signature.js';

/** The hub's seal (issue 15): what it signs its messages and statements with. */
export type HubSigner = {
  keyId: string;
  /** A signature over the RFC 8785 bytes of a JSON value (an envelope, a statement). */
  signJson(value: unknown): DetachedSignature;
  /** One signature over a batch of envelopes (parsed JSON), each with its inclusion proof. */
  sealMessages(envelopes: readonly unknown[]): MessageSeal[];
  /** The same over envelopes stored as canonical text (as the hub writes them). */
  sealCanonicalTexts(texts: readonly CanonicalText[]): MessageSeal[];
};

export function hubSigner(key: PrivateKey): HubSigner {
  const signJson = (value: unknown) => sign({ alg: key.alg, privateKey: key, data: canonicalBytes(value) });
  return {
    keyId: key.publicKey.keyId,
    signJson,
    sealMessages: (envelopes) => sealMessages(envelopes, key),
    sealCanonicalTexts: (texts) => sealCanonicalTexts(texts, key),
  };
}

/**
 * The key from HUB_SIGNING_KEY_FILE, or the one stored at first start (generated then with
 * HUB_SIGNING_ALG); its public half is recorded either way, for GET /v1/hub-keys and evidence files.
 */
export async function loadHubSigner(db: Db, config: Config): Promise<HubSigner> {
  let key: PrivateKey;
  if (config.HUB_SIGNING_KEY_FILE) {
    key = importPrivateKey(await readFile(config.HUB_SIGNING_KEY_FILE, 'utf8'));
    await recordHubKey(db, { ...publicOf(key), privateKey: null });
  } else {
    let pem = await storedHubPrivateKey(db);
    if (!pem) {
      const generated = generateKeyPair(config.HUB_SIGNING_ALG);
      await recordHubKey(db, { ...publicOf(generated), privateKey: exportPrivateKey(generated) });
      // Another process may have stored its own a moment before: the first stored is everyone's key.
      pem = (await storedHubPrivateKey(db)) as string;
    }
    key = importPrivateKey(pem);
  }
  return hubSigner(key);
}

/**
 * The signer once it could be loaded: a process that starts while the database does not answer keeps
 * running (and says so on /readyz); each use tries again until the key is loaded, then keeps it.
 */
export function hubSignerWhenReady(db: Db, config: Config, given?: HubSigner): () => Promise<HubSigner> {
  let loaded: Promise<HubSigner> | undefined = given ? Promise.resolve(given) : undefined;
  return () => {
    loaded ??= loadHubSigner(db, config).catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}

function publicOf(key: PrivateKey) {
  return { keyId: key.publicKey.keyId, alg: key.alg, publicKey: exportPublicKey(key.publicKey) };
}
