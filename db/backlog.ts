import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { ruleText } from '../schemas/deadlines.js';
import type { Db } from './connection.js';
import { caseTitles } from './referrals.js';
import type { Database } from './types.js';
import { type Scope, visibleTo } from './visibility.js';

export type BacklogFilter = {
  agency?: string;
  kind?: string;
  state?: string;
  overdue?: boolean;
  dueWithinDays?: number;
  minAgeDays?: number;
  limit: number;
};

export type BacklogDuty = {
  dutyId: string;
  referralId: string;
  referralTitle: string | null;
  kind: string;
  state: string;
  rule: string;
  title: string;
  source: string;
  owedBy: string;
  owedTo: string | null;
  dueAt: string;
  status: string;
  overdueHours: number;
  referralAgeDays: number;
};

export type BacklogReferral = {
  id: string;
  title: string | null;
  kind: string;
  state: string;
  sender: string;
  recipient: string;
  ageDays: number;
  nextDueAt: string | null;
  overdue: boolean;
};

const OPEN_DUTY = ['open', 'warned', 'overdue'];
const TERMINAL = ['closed', 'withdrawn'];
const DAY = 86_400_000;

/**
 * Which referrals the backlog covers. A region-wide caller (coordinator, justice bureau, procuratorate) gets
 * its region, by region column so that the partial indexes serve it; an agency gets what it may see.
 */
function inScope(scope: Scope) {
  return (eb: ExpressionBuilder<Database, 'referrals'>): Expression<SqlBool> =>
    scope.regionKinds.length > 0
      ? eb.and([eb('referrals.region', '=', scope.region), eb('referrals.kind', 'in', scope.regionKinds)])
      : visibleTo(scope)(eb);
}

/**
 * The caller's filters on the referral: kind, state, age, and (unless `agencyByDuty`, where the duties
 * query matches the agency itself) the agency as sender or recipient. One definition for every query here.
 */
function referralFilters(filter: BacklogFilter, now: Date, agencyByDuty = false) {
  return (eb: ExpressionBuilder<Database, 'referrals'>): Expression<SqlBool> => {
    const conditions: Expression<SqlBool>[] = [];
    if (filter.agency && !agencyByDuty) {
      conditions.push(
        eb.or([
          eb('referrals.sender_code', '=', filter.agency),
          eb('referrals.recipient_code', '=', filter.agency),
        ]),
      );
    }
    if (filter.kind) conditions.push(eb('referrals.kind', '=', filter.kind));
    if (filter.state) conditions.push(eb('referrals.state', '=', filter.state));
    if (filter.minAgeDays !== undefined) {
      conditions.push(eb('referrals.created_at', '<=', new Date(now.getTime() - filter.minAgeDays * DAY)));
    }
    return eb.and(conditions);
  };
}

/** Who owes what to whom by when, most overdue first; and the open referrals, most overdue first. */
export async function backlog(db: Db, scope: Scope, filter: BacklogFilter, now: Date) {
  const [duties, referrals] = await Promise.all([
    openDuties(db, scope, filter, now),
    openReferrals(db, scope, filter, now),
  ]);
  return { asOf: now.toISOString(), duties, referrals };
}

async function openDuties(db: Db, scope: Scope, filter: BacklogFilter, now: Date): Promise<BacklogDuty[]> {
  let q = db
    .selectFrom('duties')
    .innerJoin('referrals', 'referrals.id', 'duties.referral_id')
    .select([
      'duties.id',
      'duties.referral_id',
      'duties.rule_id',
      'duties.responsible_code',
      'duties.counterparty_code',
      'duties.due_at',
      'duties.status',
      'referrals.kind',
      'referrals.state',
      'referrals.created_at',
    ])
    .where('duties.status', 'in', OPEN_DUTY)
    .where('duties.is_window', '=', false)
    .where(inScope(scope));
  if (scope.regionKinds.length > 0) q = q.where('duties.region', '=', scope.region);
  if (filter.agency) {
    const a = filter.agency;
    q = q.where((eb) =>
      eb.or([
        eb('duties.responsible_code', '=', a),
        eb('referrals.sender_code', '=', a),
        eb('referrals.recipient_code', '=', a),
      ]),
    );
  }
  q = q.where(referralFilters(filter, now, true));
  if (filter.overdue) q = q.where('duties.due_at', '<', now);
  if (filter.dueWithinDays !== undefined)
    q = q.where('duties.due_at', '<', new Date(now.getTime() + filter.dueWithinDays * DAY));
  const rows = await q.orderBy('duties.due_at').limit(filter.limit).execute();
  const titles = await caseTitles(
    db,
    rows.map((d) => d.referral_id),
  );
  return rows.map((d) => ({
    dutyId: d.id,
    referralId: d.referral_id,
    referralTitle: titles.get(d.referral_id) ?? null,
    kind: d.kind,
    state: d.state,
    rule: d.rule_id,
    ...ruleText(d.rule_id),
    owedBy: d.responsible_code,
    owedTo: d.counterparty_code,
    dueAt: new Date(d.due_at).toISOString(),
    status: d.status,
    overdueHours: Math.round(((now.getTime() - new Date(d.due_at).getTime()) / 3_600_000) * 10) / 10,
    referralAgeDays: Math.floor((now.getTime() - new Date(d.created_at).getTime()) / DAY),
  }));
}

/**
 * Open referrals ordered by their earliest open duty (most overdue first), then those without an open duty,
 * oldest first. Two index-ordered reads instead of computing the next due time of every open referral.
 */
async function openReferrals(
  db: Db,
  scope: Scope,
  filter: BacklogFilter,
  now: Date,
): Promise<BacklogReferral[]> {
  const base = () =>
    db
      .selectFrom('referrals')
      .select([
        'referrals.id',
        'referrals.kind',
        'referrals.state',
        'referrals.sender_code',
        'referrals.recipient_code',
        'referrals.created_at',
      ])
      .where('referrals.state', 'not in', TERMINAL)
      .where(inScope(scope))
      .where(referralFilters(filter, now));
  // Driven from the open duties (few, indexed by region and due time), grouped per referral.
  let driven = db
    .selectFrom('duties')
    .innerJoin('referrals', 'referrals.id', 'duties.referral_id')
    .select([
      'referrals.id',
      'referrals.kind',
      'referrals.state',
      'referrals.sender_code',
      'referrals.recipient_code',
      'referrals.created_at',
      sql<Date>`min(duties.due_at)`.as('next_due'),
    ])
    .where('duties.status', 'in', OPEN_DUTY)
    .where('duties.is_window', '=', false)
    .where('referrals.state', 'not in', TERMINAL)
    .where(inScope(scope));
  if (scope.regionKinds.length > 0) driven = driven.where('duties.region', '=', scope.region);
  driven = driven.where(referralFilters(filter, now));
  const withDuty = await driven
    .groupBy('referrals.id')
    .$if(filter.overdue === true, (q) => q.having(sql`min(duties.due_at)`, '<', now))
    .orderBy(sql`next_due`)
    .limit(filter.limit)
    .execute();
  const rest =
    filter.overdue || withDuty.length >= filter.limit
      ? []
      : await base()
          .select(sql<Date | null>`NULL::timestamptz`.as('next_due'))
          .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM duties d WHERE d.referral_id = referrals.id
            AND d.status IN ('open', 'warned', 'overdue') AND NOT d.is_window)`)
          .orderBy('referrals.created_at')
          .limit(filter.limit - withDuty.length)
          .execute();
  const page = [...withDuty, ...rest];
  const titles = await caseTitles(
    db,
    page.map((r) => r.id),
  );
  return page.map((r) => ({
    id: r.id,
    title: titles.get(r.id) ?? null,
    kind: r.kind,
    state: r.state,
    sender: r.sender_code,
    recipient: r.recipient_code,
    ageDays: Math.floor((now.getTime() - new Date(r.created_at).getTime()) / DAY),
    nextDueAt: r.next_due ? new Date(r.next_due).toISOString() : null,
    overdue: r.next_due !== null && new Date(r.next_due) < now,
  }));
}
