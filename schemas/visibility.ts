import type { Agency } from './agency.js';
import { REFERRAL_KINDS, type ReferralKind } from './referral.js';

/**
 * Who sees what (DESIGN.md): an agency sees referrals it sent, received or was copied on, and those of its
 * subordinate units; a procuratorate sees the criminal transfers of its region; coordinators and justice
 * bureaus see their region.
 */
export type Scope = { codes: string[]; region: string; regionKinds: ReferralKind[] };

const ALL_KINDS: ReferralKind[] = [...REFERRAL_KINDS];

export function scopeOf(agencies: readonly Agency[], actor: Agency): Scope {
  const children = new Map<string, string[]>();
  for (const agency of agencies) {
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

/** Whether the agency (or a unit under it) took part in a referral: a party, not a region-wide reader. */
export function tookPart(scope: Scope, participants: readonly string[]): boolean {
  return participants.some((c) => scope.codes.includes(c));
}

export function canSee(scope: Scope, row: { participants: string[]; region: string; kind: string }): boolean {
  if (tookPart(scope, row.participants)) return true;
  return row.region === scope.region && scope.regionKinds.includes(row.kind as ReferralKind);
}
