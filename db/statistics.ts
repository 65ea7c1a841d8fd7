import { type RawBuilder, sql } from 'kysely';
import type { Db } from './connection.js';

export type Period = { from: Date; to: Date };

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
  hoursToReceipt: { median: number | null; p90: number | null; n: number };
  hoursToDecision: { median: number | null; p90: number | null; n: number };
};

/**
 * The referral figures of a region and period, from a relation shaped like `referrals` (id, kind, region,
 * sender_code, recipient_code, created_at, milestones, facts). The statistics API passes the table; the
 * yearly report's check passes the same rows rebuilt from the ledger, so both count the same way.
 */
export async function computeFigures(
  db: Db,
  source: RawBuilder<unknown>,
  region: string,
  period: Period,
): Promise<Figures> {
  const scoped = sql`(SELECT * FROM ${source} src WHERE src.region = ${region} AND src.created_at >= ${period.from} AND src.created_at < ${period.to})`;
  const counts = (key: string) => sql`
    SELECT ${sql.ref(key)} AS agency, kind, count(*)::int AS n,
      count(*) FILTER (WHERE milestones ? 'receipted')::int AS receipted,
      count(*) FILTER (WHERE milestones ? 'filed')::int AS filed,
      count(*) FILTER (WHERE milestones ? 'declined')::int AS declined,
      count(*) FILTER (WHERE milestones ? 'reconsideration_requested')::int AS reconsiderations,
      count(*) FILTER (WHERE milestones ? 'supervision_requested')::int AS supervision_requests,
      count(*) FILTER (WHERE milestones ? 'filing_ordered')::int AS filings_ordered,
      count(*) FILTER (WHERE milestones ?| array['handled', 'administratively_handled'])::int AS handled,
      count(*) FILTER (WHERE (facts->>'late')::boolean)::int AS late
    FROM ${scoped} s GROUP BY 1, 2 ORDER BY 1, 2`;
  type Row = {
    agency: string;
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
  };
  const [bySender, byRecipient, byKind, reasons, outcomes, times] = await Promise.all([
    sql<Row>`${counts('sender_code')}`.execute(db),
    sql<Row>`${counts('recipient_code')}`.execute(db),
    sql<{ kind: string; count: number; receipted: number; filed: number; declined: number; closed: number }>`
      SELECT kind, count(*)::int AS count,
        count(*) FILTER (WHERE milestones ? 'receipted')::int AS receipted,
        count(*) FILTER (WHERE milestones ? 'filed')::int AS filed,
        count(*) FILTER (WHERE milestones ? 'declined')::int AS declined,
        count(*) FILTER (WHERE milestones ? 'closed')::int AS closed
      FROM ${scoped} s GROUP BY kind ORDER BY kind`.execute(db),
    sql<{ reason: string; n: number }>`
      SELECT facts->>'declineReason' AS reason, count(*)::int AS n FROM ${scoped} s
      WHERE facts ? 'declineReason' GROUP BY 1 ORDER BY 1`.execute(db),
    sql<{ outcome: string; n: number }>`
      SELECT facts->>'handlingOutcome' AS outcome, count(*)::int AS n FROM ${scoped} s
      WHERE kind = 'reverse_transfer' AND facts ? 'handlingOutcome' GROUP BY 1 ORDER BY 1`.execute(db),
    sql<{
      r_med: number | null;
      r_p90: number | null;
      r_n: number;
      d_med: number | null;
      d_p90: number | null;
      d_n: number;
    }>`
      WITH t AS (
        SELECT extract(epoch FROM (milestones->>'receipted')::timestamptz - (milestones->>'submitted')::timestamptz) / 3600 AS to_receipt,
          extract(epoch FROM least((milestones->>'filed')::timestamptz, (milestones->>'declined')::timestamptz)
            - (milestones->>'receipted')::timestamptz) / 3600 AS to_decision
        FROM ${scoped} s WHERE kind = 'criminal_transfer'
      )
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY to_receipt) AS r_med,
        percentile_cont(0.9) WITHIN GROUP (ORDER BY to_receipt) AS r_p90, count(to_receipt)::int AS r_n,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY to_decision) AS d_med,
        percentile_cont(0.9) WITHIN GROUP (ORDER BY to_decision) AS d_p90, count(to_decision)::int AS d_n
      FROM t`.execute(db),
  ]);
  const agencyRows = (rows: Row[], role: 'sent' | 'received'): AgencyFigures[] =>
    rows.map((r) => ({
      agency: r.agency,
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
  const t = times.rows[0];
  const round = (x: number | null | undefined) =>
    x === null || x === undefined ? null : Math.round(x * 100) / 100;
  return {
    byKind: Object.fromEntries(byKind.rows.map(({ kind, ...rest }) => [kind, rest])),
    bySender: agencyRows(bySender.rows, 'sent'),
    byRecipient: agencyRows(byRecipient.rows, 'received'),
    declineReasons: Object.fromEntries(reasons.rows.map((r) => [r.reason, r.n])),
    reverseOutcomes: Object.fromEntries(outcomes.rows.map((r) => [r.outcome, r.n])),
    hoursToReceipt: { median: round(t?.r_med), p90: round(t?.r_p90), n: t?.r_n ?? 0 },
    hoursToDecision: { median: round(t?.d_med), p90: round(t?.d_p90), n: t?.d_n ?? 0 },
  };
}

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

/** Referrals per month (China Standard Time) and kind, with how many were filed, declined and closed. */
export async function monthlyFlows(db: Db, region: string, period: Period): Promise<MonthlyFlow[]> {
  const { rows } = await sql<MonthlyFlow>`
    SELECT to_char(date_trunc('month', created_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM') AS month, kind,
      count(*)::int AS submitted,
      count(*) FILTER (WHERE milestones ? 'filed')::int AS filed,
      count(*) FILTER (WHERE milestones ? 'declined')::int AS declined,
      count(*) FILTER (WHERE milestones ? 'closed')::int AS closed
    FROM referrals WHERE region = ${region} AND created_at >= ${period.from} AND created_at < ${period.to}
    GROUP BY 1, 2 ORDER BY 1, 2`.execute(db);
  return rows;
}
