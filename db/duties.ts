import { sql } from 'kysely';
import type { DurationUnit } from '../schemas/calendar.js';
import type { Alarm } from '../schemas/commands.js';
import { type DutyStatus, ruleText } from '../schemas/deadlines.js';
import type { Duty, DutyChange } from '../schemas/referral-state.js';
import type { Db } from './connection.js';

/**
 * The one writer of `duties`: opened and changed in the same statement as the ledger event that starts,
 * fulfils or alarms them (only for referrals whose write succeeded), and windows lapsed by the watcher.
 */
export const DUTY_INPUTS = {
  opened: {
    name: 'in_duties',
    columns: `id uuid, referral_id uuid, rule_id text, region text, is_window boolean,
      responsible_code text, counterparty_code text, amount int, unit text, started_at timestamptz,
      warn_at timestamptz, due_at timestamptz, provisional boolean, provisional_years int[], status text, opened_seq int,
      closed_seq int, closed_at timestamptz`,
  },
  changed: {
    name: 'in_duty_changes',
    columns: `id uuid, referral_id uuid, status text, closed_at timestamptz, closed_seq int,
      warned_at timestamptz, overdue_at timestamptz, due_at timestamptz, warn_at timestamptz, amount int, provisional boolean,
      provisional_years int[]`,
  },
} as const;

export const DUTY_WRITES = `
  opened_duties AS (
    INSERT INTO duties (id, referral_id, rule_id, region, is_window, responsible_code,
      counterparty_code, amount, unit, started_at, warn_at, due_at, provisional, provisional_years, status, opened_seq,
      closed_seq, closed_at)
    SELECT d.id, d.referral_id, d.rule_id, d.region, d.is_window, d.responsible_code,
      d.counterparty_code, d.amount, d.unit, d.started_at, d.warn_at, d.due_at, d.provisional, d.provisional_years,
      d.status, d.opened_seq, d.closed_seq, d.closed_at
    FROM in_duties d WHERE d.referral_id IN (SELECT id FROM referral_guards)
    RETURNING id
  ),
  changed_duties AS (
    UPDATE duties t SET status = c.status,
      -- A duty owed again (a lapsed window whose due time moved ahead) is no longer closed.
      closed_at = CASE WHEN c.status IN ('open', 'warned', 'overdue') THEN NULL ELSE coalesce(c.closed_at, t.closed_at) END,
      closed_seq = CASE WHEN c.status IN ('open', 'warned', 'overdue') THEN NULL ELSE coalesce(c.closed_seq, t.closed_seq) END,
      warned_at = coalesce(c.warned_at, t.warned_at),
      overdue_at = coalesce(c.overdue_at, t.overdue_at), due_at = coalesce(c.due_at, t.due_at),
      warn_at = coalesce(c.warn_at, t.warn_at), amount = coalesce(c.amount, t.amount),
      provisional = coalesce(c.provisional, t.provisional),
      provisional_years = coalesce(c.provisional_years, t.provisional_years)
    FROM in_duty_changes c
    WHERE t.id = c.id AND c.referral_id IN (SELECT id FROM referral_guards)
    RETURNING t.id
  )`;

export function openedRow(d: Duty) {
  return {
    id: d.id,
    referral_id: d.referralId,
    rule_id: d.ruleId,
    region: d.region,
    is_window: d.window,
    responsible_code: d.responsible,
    counterparty_code: d.counterparty,
    amount: d.amount,
    unit: d.unit,
    started_at: d.startedAt,
    warn_at: d.warnAt,
    due_at: d.dueAt,
    provisional: d.provisional,
    provisional_years: d.provisionalYears,
    status: d.status,
    opened_seq: d.openedSeq,
    closed_seq: d.closedSeq,
    closed_at: d.closedAt,
  };
}

export function changedRow(referralId: string, c: DutyChange) {
  return {
    id: c.id,
    referral_id: referralId,
    status: c.status,
    closed_at: c.closedAt ?? null,
    closed_seq: c.closedSeq ?? null,
    warned_at: c.warnedAt ?? null,
    overdue_at: c.overdueAt ?? null,
    due_at: c.dueAt ?? null,
    warn_at: c.warnAt ?? null,
    amount: c.amount ?? null,
    provisional: c.provisional ?? null,
    provisional_years: c.provisionalYears ?? null,
  };
}

export const LOADED_DUTY_COLUMNS = `id, referral_id, rule_id, region, is_window, responsible_code,
  counterparty_code, amount, unit, started_at, warn_at, due_at, provisional, provisional_years, status, opened_seq, closed_seq,
  closed_at`;

export type LoadedDutyRow = {
  id: string;
  referral_id: string;
  rule_id: string;
  region: string;
  is_window: boolean;
  responsible_code: string;
  counterparty_code: string | null;
  amount: number;
  unit: string;
  started_at: string;
  warn_at: string;
  due_at: string;
  provisional: boolean;
  provisional_years: number[];
  status: string;
  opened_seq: number;
  closed_seq: number | null;
  closed_at: string | null;
};

const iso = (v: string | Date) => new Date(v).toISOString();

export function dutyOf(r: LoadedDutyRow): Duty {
  return {
    id: r.id,
    referralId: r.referral_id,
    ruleId: r.rule_id,
    region: r.region,
    window: r.is_window,
    responsible: r.responsible_code,
    counterparty: r.counterparty_code,
    amount: r.amount,
    unit: r.unit as DurationUnit,
    startedAt: iso(r.started_at),
    warnAt: iso(r.warn_at),
    dueAt: iso(r.due_at),
    provisional: r.provisional,
    provisionalYears: r.provisional_years,
    status: r.status as DutyStatus,
    openedSeq: r.opened_seq,
    closedSeq: r.closed_seq,
    closedAt: r.closed_at === null ? null : iso(r.closed_at),
  };
}

export type DutyView = {
  id: string;
  rule: string;
  title: string;
  source: string;
  responsible: string;
  counterparty: string | null;
  period: { amount: number; unit: string };
  startedAt: string;
  warnAt: string;
  dueAt: string;
  /** The due time counts days of a year without the State Council's notice: it may still move. */
  provisional: boolean;
  status: string;
  window: boolean;
  closedAt: string | null;
};

export async function loadDuties(db: Db, referralId: string): Promise<DutyView[]> {
  const rows = await db
    .selectFrom('duties')
    .selectAll()
    .where('referral_id', '=', referralId)
    .orderBy('started_at')
    .orderBy('rule_id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    rule: r.rule_id,
    ...ruleText(r.rule_id),
    responsible: r.responsible_code,
    counterparty: r.counterparty_code,
    period: { amount: r.amount, unit: r.unit },
    startedAt: iso(r.started_at),
    warnAt: iso(r.warn_at),
    dueAt: iso(r.due_at),
    provisional: r.provisional,
    status: r.status,
    window: r.is_window,
    closedAt: r.closed_at === null ? null : iso(r.closed_at),
  }));
}

/** Duties whose alarm is due at `now`, oldest first (the watcher asks the command path to raise each). */
export async function dueForAlarm(
  db: Db,
  alarm: Alarm,
  now: Date,
  limit: number,
): Promise<{ id: string; referral_id: string }[]> {
  const { rows } = await (alarm === 'overdue'
    ? sql<{ id: string; referral_id: string }>`
        SELECT id, referral_id FROM duties WHERE status IN ('open', 'warned') AND NOT is_window AND due_at <= ${now}
        ORDER BY due_at LIMIT ${limit}`
    : sql<{ id: string; referral_id: string }>`
        SELECT id, referral_id FROM duties WHERE status = 'open' AND NOT is_window AND warn_at <= ${now}
          AND due_at > ${now}
        ORDER BY warn_at LIMIT ${limit}`
  ).execute(db);
  return rows;
}

/** How many unmet duties have a provisional due time. */
export async function countProvisionalDuties(db: Db): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM duties WHERE provisional AND status IN ('open', 'warned', 'overdue')`.execute(
    db,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Unmet duties whose due time is provisional (windows that lapsed over it too: a later due time reopens
 * them), after `afterId` in id order (the watcher recounts them all when the calendar changes).
 */
export async function provisionalDuties(
  db: Db,
  afterId: string | null,
  limit: number,
): Promise<{ id: string; referral_id: string }[]> {
  const { rows } = await sql<{ id: string; referral_id: string }>`
    SELECT id, referral_id FROM duties
    WHERE provisional AND status IN ('open', 'warned', 'overdue', 'lapsed')
      AND (${afterId}::uuid IS NULL OR id > ${afterId}::uuid)
    ORDER BY id LIMIT ${limit}`.execute(db);
  return rows;
}

/**
 * Unmet provisional duties counted over a year that now has its notice: opened by a process whose calendar
 * was older, or recorded before the hub kept the years. The watcher looks for them on every tick.
 */
export async function dutiesOverNoticedYears(
  db: Db,
  officialYears: readonly number[],
  skip: readonly string[],
  limit: number,
): Promise<{ id: string; referral_id: string }[]> {
  if (officialYears.length === 0) return [];
  const { rows } = await sql<{ id: string; referral_id: string }>`
    SELECT id, referral_id FROM duties
    WHERE provisional AND status IN ('open', 'warned', 'overdue', 'lapsed')
      AND provisional_years && ${[...officialYears]}::int[] AND NOT (id = ANY(${[...skip]}::uuid[]))
    ORDER BY due_at LIMIT ${limit}`.execute(db);
  return rows;
}

/** A window (a period in which a party may act) that passed unused lapses without a breach. */
export async function lapseWindows(db: Db, now: Date): Promise<number> {
  const result = await sql`
    UPDATE duties SET status = 'lapsed', closed_at = due_at
    WHERE status = 'open' AND is_window AND due_at <= ${now}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
