import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { ReferralKind } from '../schemas/referral.js';
import type { AgencyDirectory, DirectoryAgency } from './directory.js';
import type { Database } from './types.js';

/**
 * Who sees what (DESIGN.md): an agency sees referrals it sent, received or was copied on, and those of its
 * subordinate units; a procuratorate sees the criminal transfers of its region; coordinators and justice
 * bureaus see their region.
 */
export type Scope = { codes: string[]; region: string; regionKinds: ReferralKind[] };

const ALL_KINDS: ReferralKind[] = ['criminal_transfer', 'reverse_transfer', 'duty_clue'];

export async function scopeOf(directory: AgencyDirectory, actor: DirectoryAgency): Promise<Scope> {
  const all = await directory.list();
  const children = new Map<string, string[]>();
  for (const agency of all) {
    if (agency.parent) children.set(agency.parent, [...(children.get(agency.parent) ?? []), agency.code]);
  }
  const codes: string[] = [];
  const queue = [actor.code];
  while (queue.length > 0) {
    const code = queue.shift()!;
    if (codes.includes(code)) continue;
    codes.push(code);
    queue.push(...(children.get(code) ?? []));
  }
  const regionKinds: ReferralKind[] =
    actor.kind === 'procuratorate'
      ? ['criminal_transfer']
      : actor.kind === 'coordinator' || actor.kind === 'justice_bureau'
        ? ALL_KINDS
        : [];
  return { codes, region: actor.region, regionKinds };
}

export function canSee(scope: Scope, row: { participants: string[]; region: string; kind: string }): boolean {
  if (row.participants.some((c) => scope.codes.includes(c))) return true;
  return row.region === scope.region && scope.regionKinds.includes(row.kind as ReferralKind);
}

/** The same rule as a WHERE clause over `referrals`. */
export function visibleTo(scope: Scope) {
  return (eb: ExpressionBuilder<Database, 'referrals'>): Expression<SqlBool> => {
    const own = sql<SqlBool>`referrals.participant_codes && ${scope.codes}::text[]`;
    if (scope.regionKinds.length === 0) return own;
    return eb.or([
      own,
      eb.and([eb('referrals.region', '=', scope.region), eb('referrals.kind', 'in', scope.regionKinds)]),
    ]);
  };
}
