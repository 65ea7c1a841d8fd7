import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { canonicalJson, GENESIS_HASH, hashLink, sha256Hex } from '../crypto/ledger-hash.js';
import type { Db } from './connection.js';
import { type KnownBreak, knownBreaks } from './integrity.js';
import { computeFigures, type Figures, type Period } from './statistics.js';

/** 统计年报 (seed 四(五)): due by 31 January for the previous year; a year runs in China Standard Time. */
export function yearPeriod(year: number): Period {
  return { from: new Date(`${year}-01-01T00:00:00+08:00`), to: new Date(`${year + 1}-01-01T00:00:00+08:00`) };
}

export type Heads = Record<string, { seq: number; hash: string }>;

export type YearlyReport = {
  id: string;
  region: string;
  year: number;
  /**
   * Reports are versioned, not idempotent: each POST stores a new one (the ledger moves on during the
   * year); its version is its rank among the region's reports for that year, oldest first.
   */
  version: number;
  generatedAt: string;
  generatedBy: string;
  figures: Figures;
  chainHeads: { referrals: number; digest: string };
  /** Breaks the integrity watch found in the report's chains, carried in the figures and the CSV. */
  integrity: { status: 'intact' | 'broken'; breaks: KnownBreak[] };
};

function digestOf(heads: Heads): string {
  const lines = Object.entries(heads)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, h]) => `${id}:${h.seq}:${h.hash}`);
  return sha256Hex(lines.join('\n'));
}

export async function generateYearlyReport(
  db: Db,
  region: string,
  year: number,
  by: string,
): Promise<YearlyReport> {
  const period = yearPeriod(year);
  const rows = await db
    .selectFrom('referrals')
    .select(['id', 'head_seq', 'head_hash'])
    .where('region', '=', region)
    .where('created_at', '>=', period.from)
    .where('created_at', '<', period.to)
    .execute();
  const heads: Heads = Object.fromEntries(rows.map((r) => [r.id, { seq: r.head_seq, hash: r.head_hash }]));
  const figures = await computeFigures(db, sql`referrals`, region, period);
  const breaks = (await knownBreaks(db, region)).filter((b) => b.referralId in heads);
  const report: Omit<YearlyReport, 'version'> = {
    id: randomUUID(),
    region,
    year,
    generatedAt: new Date().toISOString(),
    generatedBy: by,
    figures,
    chainHeads: { referrals: rows.length, digest: digestOf(heads) },
    integrity: { status: breaks.length > 0 ? 'broken' : 'intact', breaks },
  };
  await db
    .insertInto('reports')
    .values({
      id: report.id,
      region,
      year,
      generated_at: new Date(report.generatedAt),
      generated_by: by,
      figures: JSON.stringify(figures),
      heads: JSON.stringify(heads),
      heads_digest: report.chainHeads.digest,
    })
    .execute();
  return { ...report, version: await versionOf(db, report.id) };
}

/** The rank of a report among its region's reports of the same year (generated_at, then id). */
async function versionOf(db: Db, id: string): Promise<number> {
  const row = await sql<{ version: number }>`
    SELECT count(*)::int AS version FROM reports r JOIN reports me ON me.id = ${id}
    WHERE r.region = me.region AND r.year = me.year AND (r.generated_at, r.id) <= (me.generated_at, me.id)`.execute(
    db,
  );
  return row.rows[0]?.version ?? 1;
}

/** The newest stored report of a region and year, with the breaks known in its chains (undefined: none). */
export async function latestYearlyReport(
  db: Db,
  region: string,
  year: number,
): Promise<YearlyReport | undefined> {
  const row = await db
    .selectFrom('reports')
    .select('id')
    .where('region', '=', region)
    .where('year', '=', year)
    .orderBy('generated_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const stored = row && (await loadReport(db, row.id));
  if (!stored) return undefined;
  const { heads, ...report } = stored;
  const breaks = (await knownBreaks(db, region)).filter((b) => b.referralId in heads);
  return { ...report, integrity: { status: breaks.length > 0 ? 'broken' : 'intact', breaks } };
}

/** The region a stored report is of (undefined: no such report). */
export async function reportRegion(db: Db, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('reports').select('region').where('id', '=', id).executeTakeFirst();
  return row?.region;
}

export async function loadReport(db: Db, id: string): Promise<(YearlyReport & { heads: Heads }) | undefined> {
  const row = await db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    region: row.region,
    year: row.year,
    version: await versionOf(db, row.id),
    generatedAt: row.generated_at.toISOString(),
    generatedBy: row.generated_by,
    figures: row.figures as unknown as Figures,
    heads: row.heads,
    chainHeads: { referrals: Object.keys(row.heads).length, digest: row.heads_digest },
    integrity: { status: 'intact', breaks: [] },
  };
}

export type ReportCheck = {
  reportId: string;
  matches: boolean;
  headsDigestMatches: boolean;
  brokenChains: string[];
  figuresMatch: boolean;
  recomputed: Figures;
};

/**
 * Recomputes a report from the ledger alone: every chain up to the head the report names must verify, and
 * the figures rebuilt from those events must equal the stored ones.
 */
export async function verifyYearlyReport(db: Db, id: string): Promise<ReportCheck | undefined> {
  const report = await loadReport(db, id);
  if (!report) return undefined;
  const headsJson = JSON.stringify(report.heads);
  const events = await sql<{
    referral_id: string;
    seq: number;
    event: string;
    action: string;
    actor_code: string;
    occurred_at: Date;
    payload: Record<string, unknown>;
    prev_hash: string;
    hash: string;
  }>`
    SELECT e.* FROM ledger_events e
    JOIN jsonb_each(${headsJson}::jsonb) h ON e.referral_id = h.key::uuid AND e.seq <= (h.value->>'seq')::int
    ORDER BY e.referral_id, e.seq`.execute(db);
  const broken = new Set<string>();
  const last = new Map<string, { seq: number; hash: string }>();
  for (const e of events.rows) {
    const prev = last.get(e.referral_id) ?? { seq: 0, hash: GENESIS_HASH };
    const hash = hashLink({
      referralId: e.referral_id,
      seq: e.seq,
      event: e.event,
      action: e.action,
      actor: e.actor_code,
      occurredAt: e.occurred_at.toISOString(),
      payload: e.payload,
      prevHash: e.prev_hash,
    });
    if (e.seq !== prev.seq + 1 || e.prev_hash !== prev.hash || hash !== e.hash) broken.add(e.referral_id);
    last.set(e.referral_id, { seq: e.seq, hash: e.hash });
  }
  for (const [referralId, head] of Object.entries(report.heads)) {
    const reached = last.get(referralId);
    if (!reached || reached.seq !== head.seq || reached.hash !== head.hash) broken.add(referralId);
  }
  const fromLedger = sql`(
    WITH h AS (SELECT key::uuid AS id, (value->>'seq')::int AS seq FROM jsonb_each(${headsJson}::jsonb)),
    ev AS (SELECT e.* FROM ledger_events e JOIN h ON e.referral_id = h.id AND e.seq <= h.seq)
    SELECT r.id, r.kind, r.region, r.created_at,
      (SELECT e.actor_code FROM ev e WHERE e.referral_id = r.id AND e.seq = 1) AS sender_code,
      coalesce(
        (SELECT e.payload->>'to' FROM ev e WHERE e.referral_id = r.id AND e.event = 'forwarded' ORDER BY e.seq DESC LIMIT 1),
        (SELECT e.payload->>'recipient' FROM ev e WHERE e.referral_id = r.id AND e.seq = 1)) AS recipient_code,
      (SELECT jsonb_object_agg(f.event, f.first_at) FROM (
        SELECT e.event, min(e.occurred_at) AS first_at FROM ev e WHERE e.referral_id = r.id GROUP BY e.event) f) AS milestones,
      jsonb_strip_nulls(jsonb_build_object(
        'late', (SELECT (e.payload->>'late')::boolean FROM ev e WHERE e.referral_id = r.id AND e.seq = 1),
        'declineReason', (SELECT e.payload->>'reasonCode' FROM ev e WHERE e.referral_id = r.id AND e.event = 'declined'
          ORDER BY e.seq DESC LIMIT 1),
        'handlingOutcome', (SELECT e.payload->>'outcome' FROM ev e WHERE e.referral_id = r.id
          AND e.action = 'report_handling' ORDER BY e.seq DESC LIMIT 1))) AS facts
    FROM referrals r JOIN h ON h.id = r.id
  )`;
  const recomputed = await computeFigures(db, fromLedger, report.region, yearPeriod(report.year));
  const figuresMatch = canonicalJson(recomputed) === canonicalJson(report.figures);
  const headsDigestMatches = digestOf(report.heads) === report.chainHeads.digest;
  return {
    reportId: id,
    matches: figuresMatch && headsDigestMatches && broken.size === 0,
    headsDigestMatches,
    brokenChains: [...broken],
    figuresMatch,
    recomputed,
  };
}

const CSV_COLUMNS = [
  'sent',
  'received',
  'receipted',
  'filed',
  'declined',
  'reconsiderations',
  'supervisionRequests',
  'filingsOrdered',
  'handled',
  'late',
] as const;

/** One line per agency, role and kind, then the region's totals per kind. */
export function reportCsv(report: YearlyReport, names: Map<string, string>): string {
  const quote = (v: unknown) => `"${String(v ?? '').replaceAll('"', '""')}"`;
  const broken = report.integrity.breaks;
  const warning = broken.length
    ? [
        `# 警告 WARNING: ledger integrity broken for ${new Set(broken.map((b) => b.referralId)).size} referral(s) in this report: ${broken
          .map((b) => `${b.referralId}@${b.seq} ${b.reason}`)
          .join('; ')}`,
      ]
    : [];
  const lines = [...warning, ['region', 'year', 'agency', 'name', 'role', 'kind', ...CSV_COLUMNS].join(',')];
  for (const [role, rows] of [
    ['sender', report.figures.bySender],
    ['recipient', report.figures.byRecipient],
  ] as const) {
    for (const r of rows) {
      lines.push(
        [
          report.region,
          report.year,
          r.agency,
          quote(names.get(r.agency)),
          role,
          r.kind,
          ...CSV_COLUMNS.map((c) => r[c]),
        ].join(','),
      );
    }
  }
  for (const [kind, t] of Object.entries(report.figures.byKind)) {
    lines.push(
      [
        report.region,
        report.year,
        '',
        quote('全区合计 region total'),
        'region',
        kind,
        t.count,
        '',
        t.receipted,
        t.filed,
        t.declined,
        '',
        '',
        '',
        '',
        '',
      ].join(','),
    );
  }
  lines.push(
    `# chain heads: ${report.chainHeads.referrals} referrals, sha256 ${report.chainHeads.digest}; report ${report.id}`,
  );
  return `${lines.join('\n')}\n`;
}
