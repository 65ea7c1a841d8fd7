import type { Agency } from './agency.js';
import type { EffectiveRule } from './deadlines.js';
import type { HubError } from './errors.js';
import type { DirectoryView } from './parties.js';
import type { Duty, Referral } from './referral-state.js';
import type { Step } from './step.js';
import type { Scope } from './visibility.js';

/** A region's rules and settings as the decision reads them (a snapshot; no I/O). */
export type PolicyView = {
  rule(region: string, ruleId: string): EffectiveRule;
  /** `provisional`: the due time rests on a year without the State Council's notice (`provisionalYears`). */
  schedule(
    region: string,
    ruleId: string,
    start: Date,
  ): { rule: EffectiveRule; dueAt: Date; warnAt: Date; provisional: boolean; provisionalYears: number[] };
  /** Whether the region asks for its extra copy recipients (e.g. the justice bureau). */
  regionCopies(region: string): boolean;
};

export type IdPurpose = 'referral' | 'briefing' | 'duty' | 'message';

/** Everything the decision may consult besides the loaded referral: no I/O, no awaits. */
export type DecisionContext = {
  now: Date;
  directory: DirectoryView;
  policy: PolicyView;
  scopeOf(actor: Agency): Scope;
  newId(purpose: IdPurpose): string;
  /** SHA-256 as hex (node:crypto lives outside schemas/; the function is passed in). */
  sha256(text: string): string;
};

/** What the command path loaded for one command: the referral it names and its unmet duties. */
export type Loaded = { referral: Referral | null; duties: Duty[] };

/** The actor of a command: an agency, or the hub itself (the deadline watcher). */
export type Actor = Agency | 'hub';

export type Decision = { ok: true; step: Step } | { ok: false; error: HubError };
