import { hash } from 'node:crypto';
import { canonicalJson, type LedgerLink, linkText } from '../schemas/canonical-json.js';

export { canonicalJson, GENESIS_HASH, type LedgerLink } from '../schemas/canonical-json.js';

/** SHA-256 of the text's UTF-8 bytes, in hex (Node's one-shot hash: no Hash object for a short input). */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** SHA-256 of the canonical JSON of the link (the ledger's hash chain). */
export function hashLink(link: LedgerLink): string {
  return sha256Hex(linkText(link, canonicalJson(link.payload)));
}
