import { EVIDENCE_FORMAT, type UnsealedEvidence } from '../schemas/evidence.js';
import type { Db } from './connection.js';
import { listHubKeys } from './hub-keys.js';
import { loadLedger } from './ledger.js';
import { latestSealFor, type StatementTrees } from './seals.js';
import { listSigningKeys } from './signing-keys.js';

/**
 * Issue 15: a referral's evidence file before the hub seals it — every ledger event as stored, the agency
 * keys its signatures name (with their validity and revocation), the hub's keys, and the latest sealed
 * statement covering the referral (or the one asked for) with the inclusion proof.
 */
export async function evidenceOf(
  db: Db,
  referralId: string,
  now: Date,
  statementId?: string,
  trees?: StatementTrees,
): Promise<UnsealedEvidence> {
  const [ledger, hubKeys, statement] = await Promise.all([
    loadLedger(db, referralId),
    listHubKeys(db),
    latestSealFor(db, referralId, statementId, trees),
  ]);
  const named = new Set(
    ledger.flatMap((e) => {
      const signed = e.payload.signed as { keyId?: unknown } | undefined;
      return typeof signed?.keyId === 'string' ? [signed.keyId] : [];
    }),
  );
  const keys = named.size === 0 ? [] : (await listSigningKeys(db)).filter((k) => named.has(k.keyId));
  return {
    format: EVIDENCE_FORMAT,
    referralId,
    producedAt: now.toISOString(),
    events: ledger.map(({ recordedAt: _, ...e }) => e),
    keys,
    hubKeys,
    statement: statement ?? null,
  };
}
