/**
 * The ledger's canonical JSON: object keys sorted (by UTF-16 code unit) at every depth, scalars as
 * JSON.stringify writes them, undefined members left out — so that jsonb's own key order cannot change a
 * hash. A value is serialised once: `entriesOf` writes each member of an object, and `joinEntries` makes
 * objects of any selection of them (the ledger payload and the message `data` share their members' text).
 */
/**
 * Text that is canonical JSON — also RFC 8785's form for the values the hub writes (no lone surrogates, only
 * finite numbers: the text type and the schemas see to that). Only the writers here and in envelopes.ts make
 * it, so a message body typed so can be hashed as it is stored, without parsing it again.
 */
export type CanonicalText = string & { readonly __canonical: true };

export function canonicalJson(value: unknown): CanonicalText {
  return write(value) as CanonicalText;
}

/**
 * One string built as it goes: no intermediate map or array per object (this runs for every payload, event
 * and message the hub writes). `Object.keys(…).sort()` orders by UTF-16 code units, as the form requires.
 */
function write(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // A Date (anything with toJSON) hashes as the JSON it is stored as.
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return write(toJSON.call(value));
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + write(value[i]);
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let text = '{';
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    text += `${text.length === 1 ? '' : ','}${JSON.stringify(key)}:${write(item)}`;
  }
  return `${text}}`;
}

/** An object's members as canonical text, keyed by member name; undefined members are left out. */
export type Entries = ReadonlyMap<string, string>;

export function entriesOf(value: Record<string, unknown>): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [k, v] of Object.entries(value)) if (v !== undefined) entries.set(k, write(v));
  return entries;
}

/** The canonical object of several entry sets (later sets win on a shared name). */
export function joinEntries(...sets: Entries[]): CanonicalText {
  const merged = new Map<string, string>();
  for (const set of sets) for (const [k, v] of set) merged.set(k, v);
  const keys = [...merged.keys()].sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${merged.get(k)}`).join(',')}}` as CanonicalText;
}

/** The genesis link of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a ledger event's hash covers. */
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

/**
 * The text a link's SHA-256 is taken over: canonicalJson(link), built around a payload already written as
 * canonical JSON (the keys below are in sorted order).
 */
export function linkText(link: Omit<LedgerLink, 'payload'>, payloadJson: string): string {
  const s = JSON.stringify;
  return (
    `{"action":${s(link.action)},"actor":${s(link.actor)},"event":${s(link.event)},` +
    `"occurredAt":${s(link.occurredAt)},"payload":${payloadJson},"prevHash":${s(link.prevHash)},` +
    `"referralId":${s(link.referralId)},"seq":${s(link.seq)}}`
  );
}
