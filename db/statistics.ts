import { type RawBuilder, sql } from 'kysely';
import type { Db } from './connection.js';

export type Period = { from: Date; to: Date };

/** The figures of a region's referrals created in the period. */
export function regionFigures(db: Db, region: string, period: Period): Promise<Figures> {
  return computeFigures(db, sql`referrals`, region, period);
}

export type AgencyFigures = {
  agency: string;
  kind: string;
  sent: number;
  received: number;
  receipted: number;
  filed: number;
  declined: number;
  reconsiderations: number;
  supervisionRequests: number;
  filingsOrdered: number;
  handled: number;
  late: number;
};

export type Figures = {
  byKind: Record<
    string,
    { count: number; receipted: number; filed: number; declined: number; closed: number }
  >;
  bySender: AgencyFigures[];
  byRecipient: AgencyFigures[];
  declineReasons: Record<string, number>;
  reverseOutcomes: Record<string, number>;
  monthly: MonthlyFlow[];
  hoursToReceipt: { median: number | null; p90: number | null; n: number };
  hoursToDecision: { median: number | null; p90: number | null; n: number };
};

/**
 * The referral figures of a region and period, from a relation shaped like `referrals` (id, kind, region,
 * sender_code, recipient_code, created_at, milestones, facts). The statistics API passes the table; the
 * yearly report's check passes the same rows rebuilt from the ledger, so both count the same way.
 * One statement: the period's rows are read once into a narrow CTE and every figure aggregates that.
 */
export async function computeFigures(
  db: Db,
  source: RawBuilder<unknown>,
  region: string,
  period: Period,
): Promise<Figures> {
  const counters = sql`count(*)::int AS n,
      count(*) FILTER (WHERE receipted IS NOT NULL)::int AS receipted,
      count(*) FILTER (WHERE filed IS NOT NULL)::int AS filed,
      count(*) FILTER (WHERE declined IS NOT NULL)::int AS declined,
      count(*) FILTER (WHERE reconsidered)::int AS reconsiderations,
      count(*) FILTER (WHERE supervised)::int AS supervision_requests,
      count(*) FILTER (WHERE ordered)::int AS filings_ordered,
      count(*) FILTER (WHERE handled)::int AS handled,
      count(*) FILTER (WHERE late)::int AS late,
      count(*) FILTER (WHERE closed)::int AS closed`;
  const { rows } = await sql<{ figures: RawFigures }>`
    WITH s AS MATERIALIZED (
      SELECT src.kind, src.sender_code, src.recipient_code,
        to_char(date_trunc('month', src.created_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM') AS month,
        (src.milestones->>'submitted')::timestamptz AS submitted,
        (src.milestones->>'receipted')::timestamptz AS receipted,
        (src.milestones->>'filed')::timestamptz AS filed,
        (src.milestones->>'declined')::timestamptz AS declined,
        src.milestones ? 'reconsideration_requested' AS reconsidered,
        src.milestones ? 'supervision_requested' AS supervised,
        src.milestones ? 'filing_ordered' AS ordered,
        src.milestones ?| array['handled', 'administratively_handled'] AS handled,
        src.milestones ? 'closed' AS closed,
        coalesce((src.facts->>'late')::boolean, false) AS late,
        src.facts->>'declineReason' AS decline_reason,
        src.facts->>'handlingOutcome' AS handling_outcome
      FROM ${source} src
      WHERE src.region = ${region} AND src.created_at >= ${period.from} AND src.created_at < ${period.to}
    ), t AS (
      SELECT extract(epoch FROM receipted - submitted) / 3600 AS to_receipt,
        extract(epoch FROM least(filed, declined) - receipted) / 3600 AS to_decision
      FROM s WHERE kind = 'criminal_transfer'
    )
    SELECT json_build_object(
      'bySender', (SELECT coalesce(json_agg(x ORDER BY x.agency, x.kind), '[]') FROM (
        SELECT sender_code AS agency, kind, ${counters} FROM s GROUP BY 1, 2) x),
      'byRecipient', (SELECT coalesce(json_agg(x ORDER BY x.agency, x.kind), '[]') FROM (
        SELECT recipient_code AS agency, kind, ${counters} FROM s GROUP BY 1, 2) x),
      'byKind', (SELECT coalesce(json_agg(x ORDER BY x.kind), '[]') FROM (SELECT kind, ${counters} FROM s GROUP BY 1) x),
      'declineReasons', (SELECT coalesce(json_object_agg(reason, n ORDER BY reason), '{}') FROM (
        SELECT decline_reason AS reason, count(*)::int AS n FROM s WHERE decline_reason IS NOT NULL GROUP BY 1) x),
      'reverseOutcomes', (SELECT coalesce(json_object_agg(outcome, n ORDER BY outcome), '{}') FROM (
        SELECT handling_outcome AS outcome, count(*)::int AS n FROM s
        WHERE kind = 'reverse_transfer' AND handling_outcome IS NOT NULL GROUP BY 1) x),
      'monthly', (SELECT coalesce(json_agg(x ORDER BY x.month, x.kind), '[]') FROM (
        SELECT month, kind, count(*)::int AS submitted, count(*) FILTER (WHERE filed IS NOT NULL)::int AS filed,
          count(*) FILTER (WHERE declined IS NOT NULL)::int AS declined, count(*) FILTER (WHERE closed)::int AS closed
        FROM s GROUP BY 1, 2) x),
      'times', (SELECT json_build_object(
        'r_med', percentile_cont(0.5) WITHIN GROUP (ORDER BY to_receipt),
        'r_p90', percentile_cont(0.9) WITHIN GROUP (ORDER BY to_receipt), 'r_n', count(to_receipt),
        'd_med', percentile_cont(0.5) WITHIN GROUP (ORDER BY to_decision),
        'd_p90', percentile_cont(0.9) WITHIN GROUP (ORDER BY to_decision), 'd_n', count(to_decision)) FROM t)
    ) AS figures`.execute(db);
  const raw = rows[0]?.figures;
  if (!raw) throw new Error('statistics query returned no row');
  const agencyRows = (list: RawCounters[], role: 'sent' | 'received'): AgencyFigures[] =>
    list.map((r) => ({
      agency: r.agency ?? '',
      kind: r.kind,
      sent: role === 'sent' ? r.n : 0,
      received: role === 'received' ? r.n : 0,
      receipted: r.receipted,
      filed: r.filed,
      declined: r.declined,
      reconsiderations: r.reconsiderations,
      supervisionRequests: r.supervision_requests,
      filingsOrdered: r.filings_ordered,
      handled: r.handled,
      late: r.late,
    }));
  const round = (x: number | null | undefined) =>
    x === null || x === undefined ? null : Math.round(x * 100) / 100;
  const t = raw.times;
  return {
    byKind: Object.fromEntries(
      raw.byKind.map((k) => [
        k.kind,
        { count: k.n, receipted: k.receipted, filed: k.filed, declined: k.declined, closed: k.closed },
      ]),
    ),
    bySender: agencyRows(raw.bySender, 'sent'),
    byRecipient: agencyRows(raw.byRecipient, 'received'),
    declineReasons: raw.declineReasons,
    reverseOutcomes: raw.reverseOutcomes,
    monthly: raw.monthly,
    hoursToReceipt: { median: round(t.r_med), p90: round(t.r_p90), n: t.r_n },
    hoursToDecision: { median: round(t.d_med), p90: round(t.d_p90), n: t.d_n },
  };
}

type RawCounters = {
  agency?: string;
  kind: string;
  n: number;
  receipted: number;
  filed: number;
  declined: number;
  reconsiderations: number;
  supervision_requests: number;
  filings_ordered: number;
  handled: number;
  late: number;
  closed: number;
};
type RawFigures = {
  bySender: RawCounters[];
  byRecipient: RawCounters[];
  byKind: RawCounters[];
  declineReasons: Record<string, number>;
  reverseOutcomes: Record<string, number>;
  monthly: MonthlyFlow[];
  times: {
    r_med: number | null;
    r_p90: number | null;
    r_n: number;
    d_med: number | null;
    d_p90: number | null;
    d_n: number;
  };
};

export type OnTime = {
  rule: string;
  met: number;
  metLate: number;
  overdue: number;
  open: number;
  rate: number | null;
};

/** Per rule: duties started in the period and how they ended; rate = met / (met + met late + overdue). */
export async function onTimeRates(db: Db, region: string, period: Period): Promise<OnTime[]> {
  const { rows } = await sql<{ rule: string; met: number; met_late: number; overdue: number; open: number }>`
    SELECT rule_id AS rule,
      count(*) FILTER (WHERE status = 'met')::int AS met,
      count(*) FILTER (WHERE status = 'met_late')::int AS met_late,
      count(*) FILTER (WHERE status = 'overdue')::int AS overdue,
      count(*) FILTER (WHERE status IN ('open', 'warned'))::int AS open
    FROM duties WHERE region = ${region} AND started_at >= ${period.from} AND started_at < ${period.to} AND NOT is_window
    GROUP BY rule_id ORDER BY rule_id`.execute(db);
  return rows.map((r) => {
    const decided = r.met + r.met_late + r.overdue;
    return {
      rule: r.rule,
      met: r.met,
      metLate: r.met_late,
      overdue: r.overdue,
      open: r.open,
      rate: decided ? Math.round((r.met / decided) * 1000) / 1000 : null,
    };
  });
}

export type PenaltyRisk = {
  agency: string;
  decisionNo: string;
  decidedAt: string;
  amountYuan: number;
  offence: string;
};

/** Decree 310 Art 11 (以罚代刑): penalty cases at or above the region's threshold with no transfer. */
export async function penaltyRisks(
  db: Db,
  region: string,
  period: Period,
): Promise<{ thresholdYuan: number | null; cases: PenaltyRisk[] }> {
  const settings = await db
    .selectFrom('region_settings')
    .select('penalty_threshold_yuan')
    .where('region', '=', region)
    .executeTakeFirst();
  const threshold =
    settings?.penalty_threshold_yuan === null || settings === undefined
      ? null
      : Number(settings.penalty_threshold_yuan);
  if (threshold === null) return { thresholdYuan: null, cases: [] };
  const { rows } = await sql<{
    agency_code: string;
    decision_no: string;
    decided_at: Date;
    amount_yuan: string;
    offence: string;
  }>`
    SELECT p.agency_code, p.decision_no, p.decided_at, p.amount_yuan, p.offence FROM penalty_cases p
    WHERE p.region = ${region} AND p.decided_at >= ${period.from} AND p.decided_at < ${period.to}
      AND p.amount_yuan >= ${threshold} AND p.referral_id IS NULL
      AND NOT EXISTS (
        SELECT 1 FROM referrals r WHERE r.kind = 'criminal_transfer' AND r.sender_code = p.agency_code
          AND r.facts->'priorPenalties' ? p.decision_no
      )
    ORDER BY p.amount_yuan DESC, p.decided_at LIMIT 500`.execute(db);
  return {
    thresholdYuan: threshold,
    cases: rows.map((r) => ({
      agency: r.agency_code,
      decisionNo: r.decision_no,
      decidedAt: r.decided_at.toISOString(),
      amountYuan: Number(r.amount_yuan),
      offence: r.offence,
    })),
  };
}

export type MonthlyFlow = {
  month: string;
  kind: string;
  submitted: number;
  filed: number;
  declined: number;
  closed: number;
};
