import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Scope } from '../schemas/visibility.js';
import type { Database } from './types.js';

export type { Scope } from '../schemas/visibility.js';

/** Who sees what (schemas/visibility.ts) as a WHERE clause over `referrals`. */
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
