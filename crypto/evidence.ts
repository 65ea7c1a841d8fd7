import {
  type EvidenceEvent,
  type EvidenceFile,
  EvidenceFileSchema,
  HUB_ADDED_MEMBERS,
  SignedMemberSchema,
} from '../schemas/evidence.js';
import { keyStandingAt } from '../schemas/signature.js';
import { canonicalize } from './jcs.js';
import { importPublicKey, type PublicKey } from './keys.js';
import { hashLink } from './ledger-hash.js';
import { verifyHeadProof } from './merkle.js';
import { verifyCommand } from './signatures.js';

/** Which part of the file failed; `seq` names the event when it is one. */
export type EvidenceFailure = {
  part: 'format' | 'chain' | 'key' | 'signature' | 'statement' | 'proof' | 'seal';
  seq?: number;
  message: string;
};

export type EvidenceReport =
  | { ok: true; events: number; signedEvents: number; sealedAt: string | null; checks: string[] }
  | { ok: false; failure: EvidenceFailure; checks: string[] };

class Failed extends Error {
  constructor(readonly failure: EvidenceFailure) {
    super(failure.message);
  }
}

function fail(part: EvidenceFailure['part'], message: string, seq?: number): never {
  throw new Failed({ part, message, ...(seq === undefined ? {} : { seq }) });
}

/**
 * Checks an evidence file offline, in an order that names the first thing wrong: the chain; each key
 * (its id is the hash of its bytes); each agency signature (a key of the actor, valid at the event's
 * time, over what the agency sent, and the event holding what was signed); the hub's statement and the
 * referral's inclusion proof under its root (and, given a statement the checker holds from elsewhere,
 * that it is that one); and last the hub's seal over the whole file.
 */
export function verifyEvidence(input: unknown, held?: unknown): EvidenceReport {
  const checks: string[] = [];
  try {
    const parsed = EvidenceFileSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      fail('format', `not an evidence file: ${issue?.path.join('.')}: ${issue?.message}`);
    }
    const file = parsed.data;
    checkChain(file);
    checks.push(`chain: ${file.events.length} events link up from the genesis hash`);
    const keys = checkKeys(file);
    checks.push(`keys: ${file.keys.length} agency keys and ${file.hubKeys.length} hub keys match their ids`);
    const signed = checkSignatures(file, keys.agency);
    checks.push(`signatures: ${signed} of ${file.events.length} events signed by their actor, as recorded`);
    checkStatement(file, keys.hub, held);
    if (file.statement) {
      checks.push(
        `statement ${file.statement.id} of ${file.statement.statement.sealedAt}: signed by the hub; this referral's head (seq ${file.statement.proof.head.seq}) is under its root`,
      );
    } else checks.push('statement: none yet covers this referral (sealed after the next statement)');
    const { seal, ...rest } = file;
    const sealKey = keys.hub.get(seal.keyId ?? '');
    if (!sealKey || !verifyCommand(rest, seal, sealKey).ok)
      fail('seal', "the hub's seal over the file does not verify");
    checks.push(`seal: the hub's signature over the file verifies (key ${seal.keyId})`);
    return {
      ok: true,
      events: file.events.length,
      signedEvents: signed,
      sealedAt: file.statement?.statement.sealedAt ?? null,
      checks,
    };
  } catch (error) {
    if (error instanceof Failed) return { ok: false, failure: error.failure, checks };
    throw error;
  }
}

function checkChain(file: EvidenceFile): void {
  let prev = '0'.repeat(64);
  file.events.forEach((e, i) => {
    if (e.seq !== i + 1) fail('chain', `event ${i + 1} is numbered ${e.seq}`, e.seq);
    if (e.prevHash !== prev) fail('chain', `event ${e.seq} does not link to the event before it`, e.seq);
    const { seq, event, action, actor, occurredAt, payload, prevHash } = e;
    const hash = hashLink({
      referralId: file.referralId,
      seq,
      event,
      action,
      actor,
      occurredAt,
      payload,
      prevHash,
    });
    if (hash !== e.hash) fail('chain', `event ${e.seq} does not hash to its recorded hash`, e.seq);
    prev = e.hash;
  });
}

function checkKeys(file: EvidenceFile) {
  const importKey = (pem: string, keyId: string, what: string): PublicKey => {
    let key: PublicKey;
    try {
      key = importPublicKey(pem);
    } catch {
      fail('key', `${what} ${keyId} is not an SM2 or Ed25519 public key`);
    }
    if (key.keyId !== keyId)
      fail('key', `${what} ${keyId} is another key (its bytes have the id ${key.keyId})`);
    return key;
  };
  const agency = new Map(
    file.keys.map((k) => [k.keyId, { record: k, key: importKey(k.publicKey, k.keyId, 'agency key') }]),
  );
  const hub = new Map(file.hubKeys.map((k) => [k.keyId, importKey(k.publicKey, k.keyId, 'hub key')]));
  return { agency, hub };
}

function checkSignatures(
  file: EvidenceFile,
  keys: Map<string, { record: EvidenceFile['keys'][number]; key: PublicKey }>,
): number {
  let signed = 0;
  for (const e of file.events) {
    if (e.payload.signed === undefined) continue;
    const member = SignedMemberSchema.safeParse(e.payload.signed);
    if (!member.success) fail('signature', `event ${e.seq}: the signature member is malformed`, e.seq);
    const { command, ...signature } = member.data;
    const found = keys.get(signature.keyId);
    if (!found)
      fail(
        'signature',
        `event ${e.seq}: signed with key ${signature.keyId}, which the file does not hold`,
        e.seq,
      );
    if (found.record.agency !== e.actor) {
      fail(
        'signature',
        `event ${e.seq}: key ${signature.keyId} is ${found.record.agency}'s, not the actor ${e.actor}'s`,
        e.seq,
      );
    }
    const standing = keyStandingAt(found.record, new Date(e.occurredAt));
    if (standing !== 'valid')
      fail('signature', `event ${e.seq}: key ${signature.keyId} was ${standing} then`, e.seq);
    if (!verifyCommand(command, signature, found.key).ok) {
      fail('signature', `event ${e.seq}: ${e.actor}'s signature does not verify over what it covers`, e.seq);
    }
    const mismatch = commandMismatch(file.referralId, e, command);
    if (mismatch) fail('signature', `event ${e.seq}: ${mismatch}`, e.seq);
    signed++;
  }
  return signed;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Why the signed command is not the command this event records (undefined when it is). */
function commandMismatch(referralId: string, e: EvidenceEvent, command: unknown): string | undefined {
  if (!isObject(command)) return 'what was signed is not a command';
  let target: string | null;
  let sent: unknown;
  if (typeof command.method === 'string') {
    sent = command.body;
    target = command.path === '/v1/referrals' ? null : String(command.path);
    if (target !== null && target !== `/v1/referrals/${referralId}/actions`)
      return `the signature is for ${target}`;
  } else {
    sent = command.payload;
    target = command.type === 'command.submit' ? null : String(command.referralId);
    if (command.sender !== e.actor) return `the signed envelope's sender is ${String(command.sender)}`;
    if (target !== null && target !== referralId) return `the signature is for referral ${target}`;
  }
  if ((target === null) !== (e.seq === 1))
    return 'a submission signed for a later event, or an action for the first';
  if (!isObject(sent)) return 'what was signed holds no command';
  const { action, ...fields } = sent;
  if (target !== null && action !== e.action)
    return `the agency signed ${String(action)}, the event records ${e.action}`;
  const given = target === null ? sent : fields;
  for (const [name, value] of Object.entries(given)) {
    if (!covers(e.payload[name], value)) return `${name} is not what ${e.actor} signed`;
  }
  for (const name of Object.keys(e.payload)) {
    // Besides the hub's own members, a list the schema defaulted to empty (priorPenalties, documents).
    const defaulted = Array.isArray(e.payload[name]) && (e.payload[name] as unknown[]).length === 0;
    if (!(name in given) && !defaulted && !(HUB_ADDED_MEMBERS as readonly string[]).includes(name)) {
      return `${name} was not in what ${e.actor} signed`;
    }
  }
  return undefined;
}

/** The recorded value holds the signed one: equal, or (objects) the same members with the hub's additions. */
function covers(recorded: unknown, signed: unknown): boolean {
  if (Array.isArray(signed)) {
    return (
      Array.isArray(recorded) &&
      recorded.length === signed.length &&
      signed.every((v, i) => covers(recorded[i], v))
    );
  }
  if (isObject(signed)) {
    return isObject(recorded) && Object.entries(signed).every(([k, v]) => covers(recorded[k], v));
  }
  return canonicalize(recorded ?? null) === canonicalize(signed);
}

function checkStatement(file: EvidenceFile, hubKeys: Map<string, PublicKey>, held: unknown): void {
  const sealed = file.statement;
  if (held !== undefined) {
    if (!sealed) fail('statement', 'the file holds no statement to compare with the one given');
    const heldStatement = isObject(held) && isObject(held.statement) ? held.statement : held;
    if (canonicalize(heldStatement) !== canonicalize(sealed.statement)) {
      fail(
        'statement',
        `the file's statement is not the one given (${String((heldStatement as Json).sealedAt)})`,
      );
    }
  }
  if (!sealed) return;
  const key = hubKeys.get(sealed.statement.hubKeyId);
  if (!key || !verifyCommand(sealed.statement, sealed.signature, key).ok) {
    fail('statement', `statement ${sealed.id}: the hub's signature does not verify`);
  }
  const { head } = sealed.proof;
  if (head.referralId !== file.referralId) fail('proof', `the proof is for referral ${head.referralId}`);
  if (sealed.proof.size !== sealed.statement.size || !verifyHeadProof(sealed.proof, sealed.statement.root)) {
    fail('proof', `the inclusion proof does not lead to statement ${sealed.id}'s root`);
  }
  const event = file.events[head.seq - 1];
  if (!event || event.hash !== head.hash) {
    fail(
      'proof',
      `the head sealed on ${sealed.statement.sealedAt} (event ${head.seq}, ${head.hash.slice(0, 12)}…) is not this chain's`,
      head.seq,
    );
  }
}
