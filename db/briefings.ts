import { sql } from 'kysely';
import type { BriefingRecord } from '../schemas/step.js';
import type { Db } from './connection.js';

/**
 * The one writer of `briefings` (案情通报). A briefing about a referral is written only when the referral's
 * step is; a standalone one is its own guard (its id is derived from an idempotency key when there is one).
 */
export const BRIEFING_INPUT = {
  name: 'in_briefings',
  columns: `id uuid, sender_code text, referral_id uuid, subject text, body text, recipient_codes text[],
    region text, created_at timestamptz`,
} as const;

export const BRIEFING_WRITES = `
  new_briefings AS (
    INSERT INTO briefings (id, sender_code, referral_id, subject, body, recipient_codes, region, created_at)
    SELECT b.id, b.sender_code, b.referral_id, b.subject, b.body, b.recipient_codes, b.region, b.created_at
    FROM in_briefings b
    WHERE b.referral_id IS NULL OR b.referral_id IN (SELECT id FROM referral_guards)
    ON CONFLICT (id) DO NOTHING
    RETURNING id, referral_id
  )`;

export function briefingRow(b: BriefingRecord) {
  return {
    id: b.id,
    sender_code: b.sender,
    referral_id: b.referralId,
    subject: b.subject,
    body: b.body,
    recipient_codes: b.recipients,
    region: b.region,
    created_at: b.createdAt,
  };
}

export type BriefingView = {
  id: string;
  sender: string;
  referralId: string | null;
  subject: string;
  body: string;
  recipients: string[];
  createdAt: string;
};

/** Briefings an agency sent or received, newest first. */
export async function listBriefings(db: Db, agencyCode: string, limit: number): Promise<BriefingView[]> {
  const rows = await db
    .selectFrom('briefings')
    .selectAll()
    .where((eb) =>
      eb.or([eb('sender_code', '=', agencyCode), sql<boolean>`${agencyCode} = ANY(recipient_codes)`]),
    )
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    sender: r.sender_code,
    referralId: r.referral_id,
    subject: r.subject,
    body: r.body,
    recipients: r.recipient_codes,
    createdAt: r.created_at.toISOString(),
  }));
}
