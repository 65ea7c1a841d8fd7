import { sql, type Transaction } from 'kysely';
import type { MediaType, StoredFile } from '../schemas/files.js';
import type { Db } from './connection.js';
import type { Database } from './types.js';

/**
 * The catalogue of case files: which bytes are stored, who uploaded them, which referral carries them.
 * The command path calls `filesUploadedBy` to check a submission's documents and `linkFiles` in its
 * transaction to attach them; the download route calls `fileOnReferral`.
 */
export type FileEntry = StoredFile & { uploadedBy: string; createdAt: Date };

type Row = { sha256: string; size: string; media_type: string };
const toStored = (row: Row): StoredFile => ({
  sha256: row.sha256,
  size: Number(row.size),
  mediaType: row.media_type as MediaType,
});

export async function findFile(db: Db, sha256: string): Promise<FileEntry | undefined> {
  const row = await db.selectFrom('files').selectAll().where('sha256', '=', sha256).executeTakeFirst();
  return row && { ...toStored(row), uploadedBy: row.uploaded_by, createdAt: row.created_at };
}

/** Records that `agencyCode` sent these bytes itself (again, or as a second agency): nothing else changes. */
export async function recordUploader(db: Db, sha256: string, agencyCode: string): Promise<void> {
  await db
    .insertInto('file_uploads')
    .values({ sha256, agency_code: agencyCode })
    .onConflict((oc) => oc.columns(['agency_code', 'sha256']).doNothing())
    .execute();
}

/**
 * The files among `sha256s` that `agencyCode` itself uploaded, with size and media type (what the ledger
 * lists for each document). A hash missing from the answer was not uploaded by that agency: Attach
 * refuses that document unless it is paper-only.
 */
export async function filesUploadedBy(
  db: Db | Transaction<Database>,
  agencyCode: string,
  sha256s: readonly string[],
): Promise<StoredFile[]> {
  if (sha256s.length === 0) return [];
  const rows = await db
    .selectFrom('file_uploads as u')
    .innerJoin('files as f', 'f.sha256', 'u.sha256')
    .select(['f.sha256', 'f.size', 'f.media_type'])
    .where('u.agency_code', '=', agencyCode)
    .where('u.sha256', 'in', [...new Set(sha256s)])
    .execute();
  return rows.map(toStored);
}

/**
 * Links stored files to a referral (idempotent); from then on the referral's parties may download them and
 * the files cannot be deleted. Call it inside the command's transaction. Returns how many links are new;
 * a hash that is not stored is skipped, so check with `filesUploadedBy` first.
 */
export async function linkFiles(
  db: Db | Transaction<Database>,
  referralId: string,
  sha256s: readonly string[],
): Promise<number> {
  if (sha256s.length === 0) return 0;
  const result = await db
    .insertInto('referral_files')
    .columns(['referral_id', 'sha256'])
    .expression((eb) =>
      eb
        .selectFrom('files')
        .select([eb.val(referralId).as('referral_id'), 'sha256'])
        .where('sha256', 'in', [...new Set(sha256s)]),
    )
    .onConflict((oc) => oc.columns(['referral_id', 'sha256']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** Links written with the step that attaches them (only when the referral's write succeeded). */
export const FILE_LINK_INPUT = {
  name: 'in_file_links',
  columns: 'referral_id uuid, sha256 text, document_type text, title text',
} as const;

export const FILE_LINKS = `
  linked_files AS (
    INSERT INTO referral_files (referral_id, sha256, document_type, title)
    SELECT l.referral_id, l.sha256, l.document_type, l.title
    FROM in_file_links l WHERE l.referral_id IN (SELECT id FROM referral_guards)
    ON CONFLICT (referral_id, sha256) DO NOTHING
    RETURNING sha256
  )`;

/** What the command path loads for a batch: the uploads its agencies name ($5 agencies, $6 hashes, pairwise). */
export const UPLOADS_QUERY = `(SELECT coalesce(json_agg(u), '[]'::json) FROM (
    SELECT x.agency_code, f.sha256, f.size, f.media_type
    FROM file_uploads x JOIN files f ON f.sha256 = x.sha256
    JOIN unnest($5::text[], $6::text[]) AS q(agency_code, sha256)
      ON x.agency_code = q.agency_code AND x.sha256 = q.sha256) u)`;

/** …and the files the batch's referrals already carry ($1 referral ids). */
export const LINKED_QUERY = `(SELECT coalesce(json_agg(l), '[]'::json) FROM (
    SELECT r.referral_id, f.sha256, f.size, f.media_type, r.document_type, r.title
    FROM referral_files r JOIN files f ON f.sha256 = r.sha256
    WHERE r.referral_id = ANY($1::uuid[]) ORDER BY r.linked_at, r.sha256) l)`;

/** The files a referral carries, in the order they were attached. */
export async function filesOf(
  db: Db | Transaction<Database>,
  referralId: string,
): Promise<(StoredFile & { linkedAt: Date; documentType: string | null; title: string | null })[]> {
  const rows = await db
    .selectFrom('referral_files as l')
    .innerJoin('files as f', 'f.sha256', 'l.sha256')
    .select(['f.sha256', 'f.size', 'f.media_type', 'l.linked_at', 'l.document_type', 'l.title'])
    .where('l.referral_id', '=', referralId)
    .orderBy('l.linked_at')
    .orderBy('f.sha256')
    .execute();
  return rows.map((row) => ({
    ...toStored(row),
    linkedAt: row.linked_at,
    documentType: row.document_type,
    title: row.title,
  }));
}

export type ReferralFile = {
  /** Who may see the referral is decided from these (schemas/visibility.ts canSee). */
  referral: { participants: string[]; region: string; kind: string } | undefined;
  /** The file, when the referral carries it. */
  file: StoredFile | undefined;
};

/** A referral and, if it carries it, one of its files: one round trip for the download route. */
export async function fileOnReferral(db: Db, referralId: string, sha256: string): Promise<ReferralFile> {
  const row = await db
    .selectFrom('referrals as r')
    .leftJoin('referral_files as l', (join) =>
      join.onRef('l.referral_id', '=', 'r.id').on('l.sha256', '=', sha256),
    )
    .leftJoin('files as f', 'f.sha256', 'l.sha256')
    .select(['r.participant_codes', 'r.region', 'r.kind', 'f.sha256', 'f.size', 'f.media_type'])
    .where('r.id', '=', referralId)
    .executeTakeFirst();
  if (!row) return { referral: undefined, file: undefined };
  const referral = { participants: row.participant_codes, region: row.region, kind: row.kind };
  if (row.sha256 === null || row.size === null || row.media_type === null)
    return { referral, file: undefined };
  return { referral, file: toStored({ sha256: row.sha256, size: row.size, media_type: row.media_type }) };
}

/** Every stored file, by hash, a page at a time (for `hub files verify`). */
export async function listStoredFiles(db: Db, after: string, limit: number): Promise<StoredFile[]> {
  const rows = await db
    .selectFrom('files')
    .select(['sha256', 'size', 'media_type'])
    .where('sha256', '>', after)
    .orderBy('sha256')
    .limit(limit)
    .execute();
  return rows.map(toStored);
}

export async function storedTotals(db: Db): Promise<{ files: number; bytes: number }> {
  const row = await db
    .selectFrom('files')
    .select((eb) => [eb.fn.countAll<string>().as('files'), eb.fn.sum<string | null>('size').as('bytes')])
    .executeTakeFirstOrThrow();
  return { files: Number(row.files), bytes: Number(row.bytes ?? 0) };
}

/** A region's case files for a period: documents carried as files (and their bytes), and paper-only ones. */
export async function regionDocumentTotals(
  db: Db,
  region: string,
  period: { from: Date; to: Date },
): Promise<{ files: number; bytes: number; paper: number }> {
  const { rows } = await sql<{ files: number; bytes: string | null; paper: number }>`
    SELECT
      (SELECT count(*)::int FROM referral_files l JOIN referrals r ON r.id = l.referral_id
        WHERE r.region = ${region} AND r.created_at >= ${period.from} AND r.created_at < ${period.to}) AS files,
      (SELECT sum(f.size) FROM referral_files l JOIN referrals r ON r.id = l.referral_id JOIN files f ON f.sha256 = l.sha256
        WHERE r.region = ${region} AND r.created_at >= ${period.from} AND r.created_at < ${period.to}) AS bytes,
      (SELECT count(*)::int FROM referrals r
        JOIN ledger_events e ON e.referral_id = r.id AND e.seq = 1,
        jsonb_array_elements(coalesce(e.payload->'documents', '[]')) d
        WHERE r.region = ${region} AND r.created_at >= ${period.from} AND r.created_at < ${period.to}
          AND (d->>'paper')::boolean IS TRUE) AS paper`.execute(db);
  const row = rows[0];
  return { files: row?.files ?? 0, bytes: Number(row?.bytes ?? 0), paper: row?.paper ?? 0 };
}
