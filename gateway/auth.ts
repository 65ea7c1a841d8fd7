import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sha256Hex } from '../crypto/ledger-hash.js';
import { agencyForKey } from '../db/agencies.js';
import type { Db } from '../db/connection.js';
import type { AgencyDirectory, DirectoryAgency } from '../db/directory.js';
import { HubError } from '../schemas/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The authenticated agency. Set by `requireAgency` before any handler of the routes it guards runs;
     * only those routes read it (the ops routes, which have no agency, do not).
     */
    agency: DirectoryAgency;
  }
}

const CACHE_MS = 5_000;

/**
 * Bearer API keys. A verified key is cached for a few seconds (keyed by its hash, never the key), so a
 * revoked key stops working within CACHE_MS on every gateway.
 */
export function createAuthenticator(db: Db, directory: AgencyDirectory, perSecond = 1000) {
  const cache = new Map<string, { code: string | undefined; at: number }>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  const burst = perSecond * 2;
  /** A token bucket per key: refills at `perSecond`, holds `burst`. */
  function spend(hash: string): void {
    const now = Date.now();
    const bucket = buckets.get(hash) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) {
      const wait = Math.ceil((1 - bucket.tokens) / perSecond);
      throw new HubError('RATE_LIMITED', undefined, { retryAfterSeconds: Math.max(1, wait) });
    }
    bucket.tokens -= 1;
    if (buckets.size > 100_000) buckets.clear();
    buckets.set(hash, bucket);
  }
  return async function authenticate(request: FastifyRequest): Promise<DirectoryAgency> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new HubError('UNAUTHENTICATED');
    const hash = sha256Hex(match[1]);
    let hit = cache.get(hash);
    if (!hit || Date.now() - hit.at > CACHE_MS) {
      hit = { code: await agencyForKey(db, match[1]), at: Date.now() };
      if (cache.size > 10_000) cache.clear();
      cache.set(hash, hit);
    }
    const agency = hit.code ? await directory.get(hit.code) : undefined;
    if (!agency) throw new HubError('UNAUTHENTICATED');
    spend(hash);
    request.agency = agency;
    return agency;
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;

/** Every route registered on `app` (an encapsulated plugin) needs an agency's API key. */
export function requireAgency(app: FastifyInstance, authenticate: Authenticate): void {
  app.addHook('onRequest', async (request) => {
    await authenticate(request);
  });
}
