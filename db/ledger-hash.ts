import { createHash } from 'node:crypto';

/** The genesis link of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

export type LedgerLink = {
  referralId: string;
  seq: number;
  event: string;
  action: string;
  actor: string;
  occurredAt: string;
  payload: unknown;
  prevHash: string;
};

/** JSON with object keys sorted at every depth, so that jsonb's own key order cannot change a hash. */
export function canonicalJson(value: unknown): string {
  // A Date (anything with toJSON) hashes as the JSON it is stored as.
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashLink(link: LedgerLink): string {
  return createHash('sha256').update(canonicalJson(link)).digest('hex');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
