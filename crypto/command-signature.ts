import { type CanonicalText, entriesOf, joinEntries } from '../schemas/canonical-json.js';
import { HubError } from '../schemas/errors.js';
import { keyStandingAt, type RegisteredKeyRecord, type SignedCommand } from '../schemas/signature.js';
import type { PublicKey } from './keys.js';
import { type CommandCheck, prepareCommandVerify, type VerifyFailure, verdictOf } from './signatures.js';

/** A registered key with its public key imported once (the SM2 window table is built on first use). */
export type RegisteredKey = { record: RegisteredKeyRecord; publicKey: PublicKey };

export type SignatureCheck = {
  signed: SignedCommand | undefined;
  /** The agency the command comes from (authenticated by its API key or its RabbitMQ user). */
  agency: string;
  /** The agency's region requires signatures. */
  required: boolean;
  now: Date;
  key(keyId: string): RegisteredKey | undefined;
};

/**
 * Issue 15: an unsigned command passes only where signatures are optional; a signature present is always
 * checked — a key of this agency, valid now, over the command's RFC 8785 bytes as sent. Everything of that
 * check but the public-key operation: a refusal, undefined (the command may go on), or the check left to
 * do, whose answer `refusalOf` reads (the command path runs it where its verifier says).
 */
export function planCommandSignature(check: SignatureCheck): HubError | CommandCheck | undefined {
  const { signed } = check;
  if (!signed) return check.required ? new HubError('SIGNATURE_REQUIRED') : undefined;
  const key = check.key(signed.keyId);
  if (!key || key.record.agency !== check.agency) {
    return new HubError('KEY_UNKNOWN', undefined, { keyId: signed.keyId });
  }
  const standing = keyStandingAt(key.record, check.now);
  if (standing === 'not_yet_valid') {
    return new HubError('KEY_UNKNOWN', 'the key named is not valid before its validFrom', {
      keyId: signed.keyId,
      validFrom: key.record.validFrom,
    });
  }
  if (standing !== 'valid') {
    return new HubError('KEY_REVOKED', undefined, {
      keyId: signed.keyId,
      standing,
      since: standing === 'revoked' ? key.record.revokedAt : key.record.validUntil,
    });
  }
  const { command, ...signature } = signed;
  const prepared = prepareCommandVerify(command, signature, key.publicKey);
  return 'reason' in prepared ? invalid(signed.keyId, prepared.reason) : prepared;
}

/** The refusal a check's answer makes, if any. */
export function refusalOf(check: CommandCheck, answer: boolean | undefined): HubError | undefined {
  const verdict = verdictOf(check, answer);
  return verdict.ok ? undefined : invalid(check.publicKey.keyId, verdict.reason);
}

function invalid(keyId: string, reason: VerifyFailure): HubError {
  return new HubError('SIGNATURE_INVALID', undefined, { keyId, reason });
}

/**
 * The ledger's canonical text of `signed` with its command written as the RFC 8785 text the check made
 * (`check.text`): for I-JSON, which a command that passed the check is, that is the text the ledger's own
 * writer makes (the property is tested), so the command is not written a second time.
 */
export function signedMemberText(signed: SignedCommand, commandText: string): CanonicalText {
  const { command: _, ...signature } = signed;
  return joinEntries(entriesOf(signature), new Map([['command', commandText]]));
}
