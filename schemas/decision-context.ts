import type { Agency } from './agency.js';
import type { EffectiveRule } from './deadlines.js';
import type { HubError } from './errors.js';
import type { DirectoryView } from './parties.js';
import type { Duty, LinkedFile, Referral, StoredFileRef } from './referral-state.js';
import type { Step } from './step.js';
import type { Scope } from './visibility.js';

/** A region's rules and settings as the decision reads them (a snapshot; no I/O). */
export type PolicyView = {
  rule(region: string, ruleId: string): EffectiveRule;
  /**
   * When a rule started at `start` is due (with `as`, a rule changed for this count, e.g. extended);
   * `provisional`: the due time rests on a year without the State Council's notice (`provisionalYears`).
   */
  schedule(
    region: string,
    ruleId: string,
    start: Date,
    as?: EffectiveRule,
  ): { rule: EffectiveRule; dueAt: Date; warnAt: Date; provisional: boolean; provisionalYears: number[] };
  /** Whether the region asks for its extra copy recipients (e.g. the justice bureau). */
  regionCopies(region: string): boolean;
  /** Whether the region starts a rule's period again on this event (`restartedBy` in the rule). */
  restartsOn(region: string, ruleId: string, event: string): boolean;
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
  /** What the files of one referral may add up to (issue 13: 1 GB, 500 files by default). */
  fileLimits: { maxBytes: number; maxCount: number };
};

/**
 * What the command path loaded for one command: the referral it names, its unmet duties, the files it
 * carries, and the files the acting agency uploaded among those its documents name.
 */
export type Loaded = {
  referral: Referral | null;
  duties: Duty[];
  files?: LinkedFile[];
  uploads?: ReadonlyMap<string, StoredFileRef>;
};

/** The actor of a command: an agency, or the hub itself (the deadline watcher). */
export type Actor = Agency | 'hub';

export type Decision = { ok: true; step: Step } | { ok: false; error: HubError };
