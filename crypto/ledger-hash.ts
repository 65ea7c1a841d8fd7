import { createHash } from 'node:crypto';
import { canonicalJson, type LedgerLink, linkText } from '../schemas/canonical-json.js';

export { canonicalJson, GENESIS_HASH, type LedgerLink } from '../schemas/canonical-json.js';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** SHA-256 of the canonical JSON of the link (the ledger's hash chain). */
export function hashLink(link: LedgerLink): string {
  return sha256Hex(linkText(link, canonicalJson(link.payload)));
}
