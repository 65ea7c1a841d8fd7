import { randomUUID } from 'node:crypto';
import { planCommandSignature, refusalOf, signedMemberText } from '../crypto/command-signature.js';
import { sha256Hex } from '../crypto/ledger-hash.js';
import { inlineVerifier, type SignatureVerifier } from '../crypto/signatures.js';
import type { Command, CommandMeta } from '../schemas/commands.js';
import { referralIdOf } from '../schemas/commands.js';
import { UNMET_STATUSES } from '../schemas/deadlines.js';
import { decide } from '../schemas/decide.js';
import type { Actor, Decision, DecisionContext, Loaded } from '../schemas/decision-context.js';
import { HubError } from '../schemas/errors.js';
import {
  applyDutyChange,
  type Duty,
  type LinkedFile,
  type StoredFileRef,
} from '../schemas/referral-state.js';
import { type BriefingResult, guardOf, type ReferralResult, type Step } from '../schemas/step.js';
import type { Db } from './connection.js';
import { type Dedup, derivedId } from './dedup.js';
import type { AgencyDirectory } from './directory.js';
import { classifyFailure } from './errors.js';
import type { RegionPolicy } from './region-policy.js';
import { KeyRegistry, type KeyView } from './signing-keys.js';
import { answerKey, type BatchState, loadBatch } from './step-loader.js';
import { type StepToWrite, writeSteps } from './step-writer.js';

export type CommandOutcome =
  | { status: 'created' | 'applied'; result: ReferralResult | BriefingResult }
  | { status: 'replayed'; outcome: 'created' | 'applied'; result: unknown }
  | { status: 'duplicate' };

export type CommandPathDeps = {
  db: Db;
  directory: AgencyDirectory;
  policy: RegionPolicy;
  /** Agencies' public keys and the regions that require signatures (made on the pool when not given). */
  keys?: KeyRegistry;
  /** Where signatures' public-key operations run (on the event loop when not given). */
  verifier?: SignatureVerifier;
  clock: () => Date;
  /** Commands decided and written together at most (group commit). */
  maxBatch?: number;
  /** Batches in flight at once (one decides while another is written). */
  maxInFlight?: number;
  /** After a batch committed (to wake an in-process relay). */
  onCommitted?: () => void;
  /** Each batch written: how many steps it wrote, how many commands it held, the time from load to commit. */
  onBatch?: (written: number, commands: number, ms: number) => void;
  /** What the files of one referral may add up to. */
  fileLimits?: { maxBytes: number; maxCount: number };
  /** Between deciding and writing a batch (a seam for tests that lose a race on purpose). */
  beforeWrite?: () => Promise<void>;
};

type Item = {
  actor: Actor;
  command: Command;
  meta: CommandMeta;
  dedup: Dedup | undefined;
  referralId: string | null;
  dedupKey: string | null;
  attempt: number;
  /** Run alone: the batch it was in failed on something other than a lost race. */
  solo: boolean;
  resolve(outcome: CommandOutcome): void;
  reject(error: unknown): void;
};

/** A command whose signature is being checked; it joins the queue when it and those before it are done. */
type Arrival = { item: Item; settled: boolean; refused?: unknown };

const MAX_ATTEMPTS = 5;
const DEFAULT_FILE_LIMITS = { maxBytes: 1024 ** 3, maxCount: 500 };

/**
 * The one command path: HTTP actions, AMQP commands, the deadline watcher and dead-letter replay all come
 * here. Commands that arrive while a batch is in flight are decided together and written together:
 * load (one query for the batch) → decide (pure, in order, each on the state the previous ones left) →
 * write (one statement for the batch). A command that lost a race with another process is decided again on
 * its own; the rest of its batch stands.
 */
export class CommandPath {
  private queue: Item[] = [];
  private readonly arrivals: Arrival[] = [];
  private readonly verifier: SignatureVerifier;
  private readonly inFlight = new Set<Set<string>>();
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  /** The keys this path checks signatures with (tests invalidate it after a change). */
  readonly keys: KeyRegistry;

  constructor(private readonly deps: CommandPathDeps) {
    this.keys = deps.keys ?? new KeyRegistry(deps.db);
    this.verifier = deps.verifier ?? inlineVerifier;
    this.maxBatch = deps.maxBatch ?? 64;
    this.maxInFlight = deps.maxInFlight ?? 1;
  }

  execute(actor: Actor, command: Command, meta: CommandMeta = {}, dedup?: Dedup): Promise<CommandOutcome> {
    return new Promise((resolve, reject) => {
      const dedupKey = !dedup
        ? null
        : dedup.via === 'http'
          ? `k:${answerKey(dedup.agency, dedup.key)}`
          : `m:${dedup.messageId}`;
      const item: Item = {
        actor,
        command,
        meta,
        dedup,
        referralId: referralIdOf(command),
        dedupKey,
        attempt: 0,
        solo: false,
        resolve,
        reject,
      };
      const arrival: Arrival = { item, settled: false };
      this.arrivals.push(arrival);
      const settle = (refused: unknown) => {
        arrival.refused = refused;
        arrival.settled = true;
        this.admit();
      };
      const failed = (error: unknown) =>
        settle(Object.assign(classifyFailure(error).error, { cause: error }));
      try {
        const checked = actor === 'hub' ? undefined : this.signatureRefusal(actor, item);
        if (checked instanceof Promise) checked.then(settle, failed);
        else settle(checked);
      } catch (error) {
        failed(error);
      }
    });
  }

  /**
   * Issue 15: a signature is checked as the command arrives, before any batch sees it, so that a refused
   * signature writes nothing; the public-key operation runs where `verifier` says (on the event loop, or on
   * threads of their own: runtime/verifier-pool.ts). Commands join the queue in the order they arrived, whatever their checks took.
   */
  private signatureRefusal(
    actor: Exclude<Actor, 'hub'>,
    item: Item,
  ): HubError | undefined | Promise<HubError | undefined> {
    const { signed } = item.meta;
    const keyIds = signed ? [signed.keyId] : [];
    const plan = (keys: KeyView) => {
      const planned = planCommandSignature({
        signed,
        agency: actor.code,
        required: keys.requires(actor.region),
        now: this.deps.clock(),
        key: keys.key,
      });
      if (planned instanceof HubError || planned === undefined) return planned;
      // The command's text, written for the check, is what the ledger event will hold.
      if (signed) item.meta = { ...item.meta, signedText: signedMemberText(signed, planned.text) };
      return this.verifier.check(planned).then((answer) => refusalOf(planned, answer));
    };
    const fresh = this.keys.viewIfFresh(keyIds);
    return fresh ? plan(fresh) : this.keys.view(keyIds).then(plan);
  }

  /** Arrivals whose checks are done, in the order they came, join the queue (or are refused). */
  private admit(): void {
    let admitted = false;
    while (this.arrivals[0]?.settled) {
      const { item, refused } = this.arrivals.shift() as Arrival;
      if (refused) item.reject(refused);
      else {
        this.queue.push(item);
        admitted = true;
      }
    }
    if (admitted) this.pump();
  }

  /** Ends the signature threads (the process's stop). */
  async close(): Promise<void> {
    await this.verifier.close();
  }

  /** Starts batches while there is room: the next batch takes what queued up meanwhile. */
  private pump(): void {
    while (this.inFlight.size < this.maxInFlight && this.queue.length > 0) {
      // A referral or key already in a batch in flight waits for it (no race with ourselves).
      const busy = new Set<string>();
      for (const keys of this.inFlight) for (const k of keys) busy.add(k);
      const batch: Item[] = [];
      const taken = new Set<string>();
      const rest: Item[] = [];
      for (const item of this.queue) {
        const keys = keysOf(item);
        const blocked =
          batch.length >= this.maxBatch ||
          keys.some((k) => busy.has(k)) ||
          (item.dedupKey !== null && taken.has(item.dedupKey)) ||
          (batch.length > 0 && (item.solo || batch[0]?.solo));
        if (blocked) {
          rest.push(item);
          continue;
        }
        batch.push(item);
        for (const k of keys) taken.add(k);
      }
      if (batch.length === 0) return;
      this.queue = rest;
      this.inFlight.add(taken);
      void this.run(batch).finally(() => {
        this.inFlight.delete(taken);
        this.pump();
      });
    }
  }

  private async run(batch: Item[]): Promise<void> {
    const started = performance.now();
    let state: BatchState;
    let decided: { item: Item; write: StepToWrite }[];
    try {
      state = await loadBatch(this.deps.db, needOf(batch.filter((item) => !nothingToLoad(item))));
      decided = await this.decideAll(batch, state);
    } catch (error) {
      for (const item of batch) item.reject(classifyFailure(error).error);
      return;
    }
    if (decided.length === 0) return;
    let written: Set<string>;
    try {
      await this.deps.beforeWrite?.();
      written = await writeSteps(
        this.deps.db,
        decided.map((d) => d.write),
      );
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.kind !== 'unavailable' && decided.length > 1) {
        // Find the command that fails: each runs again on its own.
        this.retry(
          decided.map((d) => ({ ...d.item, solo: true })),
          false,
        );
        return;
      }
      for (const { item } of decided) item.reject(Object.assign(failure.error, { cause: error }));
      return;
    }
    this.deps.onCommitted?.();
    const lost: Item[] = [];
    for (const { item, write } of decided) {
      if (written.has(guardOf(write.step)))
        item.resolve({ status: write.outcome, result: write.step.result });
      else lost.push(item);
    }
    this.deps.onBatch?.(decided.length - lost.length, batch.length, performance.now() - started);
    this.retry(lost, true);
  }

  /** Decides each command in order; a refusal settles that command at once. */
  private async decideAll(batch: Item[], state: BatchState) {
    const directory = await this.deps.directory.view(codesOf(batch));
    const policy = await this.deps.policy.view();
    const local = new Map<string, Loaded>();
    const decided: { item: Item; write: StepToWrite }[] = [];
    for (const item of batch) {
      const seen = this.answerSeen(item, state) ?? this.recordOfPrunedKey(item, state);
      if (seen) {
        if (seen instanceof HubError) item.reject(seen);
        else item.resolve(seen);
        continue;
      }
      const now = this.deps.clock();
      const id = item.referralId;
      const actorCode = item.actor === 'hub' ? 'hub' : item.actor.code;
      const uploads = state.uploads.get(actorCode) ?? new Map();
      const loaded: Loaded = id
        ? {
            ...(local.get(id) ?? {
              referral: state.referrals.get(id) ?? null,
              duties: state.duties.get(id) ?? [],
              files: state.linked.get(id) ?? [],
            }),
            uploads,
          }
        : { referral: null, duties: [], files: [], uploads };
      const derived = item.dedup ? derivedId(item.dedup) : undefined;
      const ctx: DecisionContext = {
        now,
        directory,
        policy,
        scopeOf: (agency) => this.deps.directory.scopeOf(agency),
        newId: (purpose) => ((purpose === 'referral' || purpose === 'briefing') && derived) || randomUUID(),
        sha256: sha256Hex,
        fileLimits: this.deps.fileLimits ?? DEFAULT_FILE_LIMITS,
      };
      let decision: Decision;
      try {
        decision = decide(ctx, item.actor, loaded, item.command, item.meta);
      } catch (error) {
        // A bug in one decision (decide throws only what is not a refusal) fails that command alone.
        item.reject(Object.assign(classifyFailure(error).error, { cause: error }));
        continue;
      }
      if (!decision.ok) {
        item.reject(decision.error);
        continue;
      }
      const step = decision.step;
      if (step.kind === 'referral') {
        local.set(step.after.id, {
          referral: step.after,
          duties: dutiesAfter(loaded.duties, step),
          files: filesAfter(loaded.files ?? [], step, uploads),
        });
      }
      const outcome = step.kind === 'briefing' || step.before === null ? 'created' : 'applied';
      decided.push({ item, write: { step, outcome, ...(item.dedup ? { dedup: item.dedup } : {}) } });
    }
    return decided;
  }

  /** An AMQP message seen before is a duplicate; an HTTP key seen before answers as it did (or is reused). */
  private answerSeen(item: Item, state: BatchState): CommandOutcome | HubError | undefined {
    const dedup = item.dedup;
    if (!dedup) return undefined;
    if (dedup.via === 'amqp')
      return state.seenMessages.has(dedup.messageId) ? { status: 'duplicate' } : undefined;
    const answer = state.answers.get(answerKey(dedup.agency, dedup.key));
    if (!answer) return undefined;
    if (answer.request_hash !== dedup.requestHash) return new HubError('IDEMPOTENCY_KEY_REUSED');
    return { status: 'replayed', outcome: answer.outcome, result: answer.response };
  }

  /**
   * A new referral whose id, derived from its Idempotency-Key or message id, is taken: the key was used
   * before, longer ago than its answer is kept (IDEMPOTENCY_KEY_RETENTION_HOURS; message ids likewise). The
   * write caught it (the command lost its guard and is retried); decided again it would lose again. A
   * message seen before is a duplicate; an HTTP key is refused with the referral it made.
   */
  private recordOfPrunedKey(item: Item, state: BatchState): CommandOutcome | HubError | undefined {
    if (item.command.type !== 'submit' || !item.dedup || item.attempt === 0) return undefined;
    const id = derivedId(item.dedup);
    if (!state.referrals.has(id)) return undefined;
    if (item.dedup.via === 'amqp') return { status: 'duplicate' };
    return new HubError(
      'IDEMPOTENCY_KEY_REUSED',
      `this Idempotency-Key made referral ${id} longer ago than its answer is kept: a new request takes a new key`,
      { referralId: id },
    );
  }

  /** Commands that lost a race (or must run alone) go to the front of the queue. */
  private retry(items: Item[], lostRace: boolean): void {
    const again: Item[] = [];
    for (const item of items) {
      const attempt = lostRace ? item.attempt + 1 : item.attempt;
      if (attempt >= MAX_ATTEMPTS) item.reject(new HubError('CONCURRENT_UPDATE'));
      else again.push({ ...item, attempt });
    }
    this.queue = [...again, ...this.queue];
  }
}

/**
 * A new referral or briefing tried for the first time, naming no uploaded file, has nothing to load but the
 * answer to its Idempotency-Key, and a key seen before is caught by the write anyway: the record's id is
 * derived from the key, so its insert finds the earlier record, that command loses its guard and is loaded
 * and decided again (a retry always loads), and then answers as it did or refuses the reused key. So a
 * batch of such commands is decided on the empty state with one statement, not two.
 */
function nothingToLoad(item: Item): boolean {
  return (
    item.attempt === 0 &&
    (item.command.type === 'submit' || item.command.type === 'brief') &&
    item.dedup?.via !== 'amqp' &&
    (item.actor === 'hub' || documentsOf(item.command).every((d) => d.paper === true))
  );
}

function keysOf(item: Item): string[] {
  const keys: string[] = [];
  if (item.referralId) keys.push(`r:${item.referralId}`);
  if (item.dedupKey) keys.push(item.dedupKey);
  return keys;
}

function needOf(batch: Item[]) {
  const referralIds = new Set<string>();
  const messageIds = new Set<string>();
  const keys: { agency: string; key: string }[] = [];
  const files: { agency: string; sha256: string }[] = [];
  for (const item of batch) {
    if (item.actor !== 'hub') {
      for (const doc of documentsOf(item.command)) {
        if (doc.paper !== true) files.push({ agency: item.actor.code, sha256: doc.sha256 });
      }
    }
    if (item.referralId) referralIds.add(item.referralId);
    // A new referral retried after its insert lost: is its derived id taken (recordOfPrunedKey)?
    if (item.command.type === 'submit' && item.dedup && item.attempt > 0)
      referralIds.add(derivedId(item.dedup));
    if (item.dedup?.via === 'amqp') messageIds.add(item.dedup.messageId);
    if (item.dedup?.via === 'http') keys.push({ agency: item.dedup.agency, key: item.dedup.key });
  }
  return { referralIds: [...referralIds], messageIds: [...messageIds], keys, files };
}

/** The documents a command attaches (a submission's package, a supplement). */
function documentsOf(command: Command): { sha256: string; paper?: boolean | undefined }[] {
  if (command.type === 'submit') return command.submission.documents;
  if (command.type === 'action' && command.action.action === 'supplement') return command.action.documents;
  return [];
}

/** The files a referral carries after a step that attached some. */
function filesAfter(files: readonly LinkedFile[], step: Step, uploads: ReadonlyMap<string, StoredFileRef>) {
  if (step.kind !== 'referral' || !step.links?.length) return [...files];
  const known = new Set(files.map((f) => f.sha256));
  const added = step.links
    .filter((l) => !known.has(l.sha256))
    .map((l) => ({
      sha256: l.sha256,
      size: uploads.get(l.sha256)?.size ?? 0,
      mediaType: uploads.get(l.sha256)?.mediaType ?? 'application/octet-stream',
      documentType: l.documentType,
      title: l.title,
    }));
  return [...files, ...added];
}

/** Agency codes the batch's decisions will look up, so that the directory knows them all first. */
function codesOf(batch: Item[]): string[] {
  const codes: string[] = [];
  for (const { command } of batch) {
    if (command.type === 'submit') codes.push(command.submission.recipient);
    if (command.type === 'brief') codes.push(...command.briefing.recipients);
    if (command.type === 'action' && command.action.action === 'forward') codes.push(command.action.to);
    if (command.type === 'action' && command.action.action === 'brief')
      codes.push(...command.action.recipients);
  }
  return codes;
}

/** The unmet duties after a step: those it opened, less those it fulfilled. */
function dutiesAfter(duties: readonly Duty[], step: Step): Duty[] {
  if (step.kind !== 'referral') return [...duties];
  const changed = new Map(step.changes.map((c) => [c.id, c]));
  const kept = duties.map((d) => {
    const c = changed.get(d.id);
    return c ? applyDutyChange(d, c) : d;
  });
  return [...kept, ...step.opens].filter((d) => (UNMET_STATUSES as readonly string[]).includes(d.status));
}
