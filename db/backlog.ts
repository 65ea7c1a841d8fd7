import { sql } from 'kysely';
import type { Db } from './connection.js';
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

const TERMINAL = ['closed', 'withdrawn'];

/** Who owes what to whom by when, most overdue first; and the open referrals, most overdue first. */
export async function backlog(db: Db, scope: Scope, filter: BacklogFilter, now: Date) {
  const day = 86_400_000;
  let duties = db
    .selectFrom('duties')
    .innerJoin('referrals', 'referrals.id', 'duties.referral_id')
    .select([
      'duties.id',
      'duties.referral_id',
      'duties.rule_id',
      'duties.title',
      'duties.source',
      'duties.responsible_code',
      'duties.counterparty_code',
      'duties.due_at',
      'duties.status',
      'referrals.kind',
      'referrals.state',
      'referrals.created_at',
      sql<string | null>`referrals.submission->'caseSummary'->>'title'`.as('referral_title'),
    ])
    .where('duties.status', 'in', ['open', 'warned', 'overdue'])
    .where('duties.is_window', '=', false)
    .where(visibleTo(scope));
  let referrals = db
    .selectFrom('referrals')
    .select([
      'referrals.id',
      'referrals.kind',
      'referrals.state',
      'referrals.sender_code',
      'referrals.recipient_code',
      'referrals.created_at',
      sql<string | null>`referrals.submission->'caseSummary'->>'title'`.as('title'),
      sql<Date | null>`(SELECT min(d.due_at) FROM duties d WHERE d.referral_id = referrals.id
        AND d.status IN ('open', 'warned', 'overdue') AND NOT d.is_window)`.as('next_due'),
    ])
    .where('referrals.state', 'not in', TERMINAL)
    .where(visibleTo(scope));
  if (filter.agency) {
    const a = filter.agency;
    duties = duties.where((eb) =>
      eb.or([
        eb('duties.responsible_code', '=', a),
        eb('referrals.sender_code', '=', a),
        eb('referrals.recipient_code', '=', a),
      ]),
    );
    referrals = referrals.where((eb) =>
      eb.or([eb('referrals.sender_code', '=', a), eb('referrals.recipient_code', '=', a)]),
    );
  }
  if (filter.kind) {
    duties = duties.where('referrals.kind', '=', filter.kind);
    referrals = referrals.where('referrals.kind', '=', filter.kind);
  }
  if (filter.state) {
    duties = duties.where('referrals.state', '=', filter.state);
    referrals = referrals.where('referrals.state', '=', filter.state);
  }
  if (filter.minAgeDays !== undefined) {
    const before = new Date(now.getTime() - filter.minAgeDays * day);
    duties = duties.where('referrals.created_at', '<=', before);
    referrals = referrals.where('referrals.created_at', '<=', before);
  }
  if (filter.overdue) duties = duties.where('duties.due_at', '<', now);
  if (filter.dueWithinDays !== undefined)
    duties = duties.where('duties.due_at', '<', new Date(now.getTime() + filter.dueWithinDays * day));
  const [dutyRows, referralRows] = await Promise.all([
    duties.orderBy('duties.due_at').limit(filter.limit).execute(),
    referrals
      .orderBy(sql`next_due ASC NULLS LAST`)
      .orderBy('referrals.created_at')
      .limit(filter.limit)
      .execute(),
  ]);
  const age = (created: Date | string) => Math.floor((now.getTime() - new Date(created).getTime()) / day);
  const rows: BacklogDuty[] = dutyRows.map((d) => ({
    dutyId: d.id,
    referralId: d.referral_id,
    referralTitle: d.referral_title,
    kind: d.kind,
    state: d.state,
    rule: d.rule_id,
    title: d.title,
    source: d.source,
    owedBy: d.responsible_code,
    owedTo: d.counterparty_code,
    dueAt: new Date(d.due_at).toISOString(),
    status: d.status,
    overdueHours: Math.round(((now.getTime() - new Date(d.due_at).getTime()) / 3_600_000) * 10) / 10,
    referralAgeDays: age(d.created_at),
  }));
  const open: BacklogReferral[] = referralRows
    .filter((r) => !filter.overdue || (r.next_due !== null && new Date(r.next_due) < now))
    .map((r) => ({
      id: r.id,
      title: r.title,
      kind: r.kind,
      state: r.state,
      sender: r.sender_code,
      recipient: r.recipient_code,
      ageDays: age(r.created_at),
      nextDueAt: r.next_due ? new Date(r.next_due).toISOString() : null,
      overdue: r.next_due !== null && new Date(r.next_due) < now,
    }));
  return { asOf: now.toISOString(), duties: rows, referrals: open };
}
