import { sql } from 'kysely';
import { HubError } from '../schemas/errors.js';
import type { State } from '../schemas/lifecycle.js';
import type { ReferralKind } from '../schemas/referral.js';
import type { Db } from './connection.js';
import { caseTitles } from './referrals.js';
import { type Scope, visibleTo } from './visibility.js';

export type ListFilter = {
  kind?: ReferralKind;
  state?: State;
  /** The caller's own role: sent, received (current or past recipient) or copied. */
  role?: 'sent' | 'received' | 'copied';
  counterparty?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
};

export type ReferralSummary = {
  id: string;
  kind: ReferralKind;
  state: State;
  sender: string;
  recipient: string;
  procuratorate: string | null;
  region: string;
  late: boolean;
  title: string;
  createdAt: string;
  updatedAt: string;
};

/** Newest first, keyset-paginated on (created_at, id). The cursor is opaque to clients. */
export async function listReferrals(
  db: Db,
  caller: string,
  scope: Scope,
  filter: ListFilter,
): Promise<{ items: ReferralSummary[]; next: string | null }> {
  let query = db
    .selectFrom('referrals')
    .select([
      'id',
      'kind',
      'state',
      'sender_code',
      'recipient_code',
      'procuratorate_code',
      'region',
      'late',
      'created_at',
      'updated_at',
    ])
    .where(visibleTo(scope));
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.role === 'sent') query = query.where('sender_code', '=', caller);
  if (filter.role === 'received') {
    query = query.where('sender_code', '<>', caller).where(sql<boolean>`${caller} = ANY(participant_codes)`);
  }
  if (filter.role === 'copied') {
    query = query.where((eb) =>
      eb.or([eb('procuratorate_code', '=', caller), sql<boolean>`${caller} = ANY(copy_codes)`]),
    );
  }
  if (filter.counterparty) query = query.where(sql<boolean>`${filter.counterparty} = ANY(participant_codes)`);
  if (filter.from) query = query.where('created_at', '>=', new Date(filter.from));
  if (filter.to) query = query.where('created_at', '<', new Date(filter.to));
  if (filter.cursor) {
    const [at, id] = decodeCursor(filter.cursor);
    query = query.where(sql<boolean>`(created_at, id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  const titles = await caseTitles(
    db,
    page.map((r) => r.id),
  );
  return {
    items: page.map((r) => ({
      id: r.id,
      kind: r.kind as ReferralKind,
      state: r.state as State,
      sender: r.sender_code,
      recipient: r.recipient_code,
      procuratorate: r.procuratorate_code,
      region: r.region,
      late: r.late,
      title: titles.get(r.id) ?? '',
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    })),
    next: rows.length > filter.limit && last ? encodeCursor(new Date(last.created_at), last.id) : null,
  };
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function decodeCursor(cursor: string): [string, string] {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !UUID.test(id)) {
    throw new HubError('VALIDATION_FAILED', 'the cursor is not one this API gave out', { path: 'cursor' });
  }
  return [at, id];
}

/** How many referrals there are (the integrity sweep reports its progress against it). */
export async function referralCount(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM referrals`.execute(db);
  return rows[0]?.n ?? 0;
}
