import { type ActionCommand, assertNever } from './actions.js';
import type { Agency } from './agency.js';
import { decideAlarm, decideRecheck } from './alarms.js';
import { attachDocuments, carriedFiles, type FileLink } from './attachments.js';
import { decideBriefing, newBriefing } from './briefings.js';
import type { Command, CommandMeta } from './commands.js';
import type { Actor, Decision, DecisionContext, Loaded } from './decision-context.js';
import { HubError, isHubError } from './errors.js';
import { permit } from './lifecycle.js';
import { forwardTarget, partiesOfSubmission } from './parties.js';
import type { Submission } from './referral.js';
import { type Referral, rolesOf } from './referral-state.js';
import { buildReferralStep, type StepInput } from './referral-step.js';
import type { Step } from './step.js';
import { canSee } from './visibility.js';

// A clock a few minutes ahead at the agency is not an approval in the future.
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The decision, pure and whole: given what was loaded (the referral, its unmet duties), the directory and
 * the region's rules as of `ctx.now`, either a refusal with its code or the whole step — new state and
 * version, ledger event, messages per recipient, duties opened and changed, flags. No I/O, no awaits.
 */
export function decide(
  ctx: DecisionContext,
  actor: Actor,
  loaded: Loaded,
  command: Command,
  meta: CommandMeta,
): Decision {
  try {
    return { ok: true, step: decideOrThrow(ctx, actor, loaded, command, meta) };
  } catch (error) {
    if (isHubError(error)) return { ok: false, error };
    throw error;
  }
}

function decideOrThrow(
  ctx: DecisionContext,
  actor: Actor,
  loaded: Loaded,
  command: Command,
  meta: CommandMeta,
): Step {
  if (command.type === 'watch_deadline') {
    if (actor !== 'hub') throw new HubError('ACTOR_NOT_PERMITTED', 'only the hub raises deadline alarms');
    return decideAlarm(ctx, loaded, command.dutyId, command.alarm);
  }
  if (command.type === 'recheck_deadline') {
    if (actor !== 'hub') throw new HubError('ACTOR_NOT_PERMITTED', 'only the hub recounts due times');
    return decideRecheck(ctx, loaded, command.dutyId);
  }
  if (actor === 'hub') throw new HubError('ACTOR_NOT_PERMITTED', 'the hub takes no lifecycle actions');
  switch (command.type) {
    case 'submit':
      return decideSubmission(ctx, actor, loaded, command.submission, meta);
    case 'action':
      return decideAction(ctx, actor, loaded, command.referralId, command.action, meta);
    case 'brief':
      return decideBriefing(ctx, actor, command.briefing, meta);
    default:
      return assertNever(command);
  }
}

function decideSubmission(
  ctx: DecisionContext,
  actor: Agency,
  loaded: Loaded,
  submission: Submission,
  meta: CommandMeta,
) {
  const allowed = permit(submission.kind, null, 'submit', ['sender']);
  if (!allowed.ok) throw new HubError(allowed.code);
  const parties = partiesOfSubmission(
    submission.kind,
    actor,
    submission.recipient,
    ctx.directory,
    ctx.policy.regionCopies(actor.region),
  );
  const referralId = ctx.newId('referral');
  const attached = attachDocuments(ctx, referralId, submission.documents, loaded);
  let data: Record<string, unknown> = { ...submission, documents: attached.documents };
  if (submission.kind === 'criminal_transfer') {
    const approvedAt = Date.parse(submission.approvedAt);
    if (approvedAt > ctx.now.getTime() + CLOCK_SKEW_MS) {
      throw new HubError('VALIDATION_FAILED', 'approvedAt lies in the future', { path: 'approvedAt' });
    }
    // Decree 310 Art 5: transferred more than the region's period after the head's approval is late.
    const { dueAt } = ctx.policy.schedule(actor.region, 'send_after_approval', new Date(approvedAt));
    data = { ...data, late: ctx.now.getTime() > dueAt.getTime() };
  }
  return buildReferralStep(ctx, {
    transition: allowed.transition,
    actor: actor.code,
    referral: null,
    duties: [],
    parties,
    region: actor.region,
    referralId,
    data,
    meta,
    links: attached.links,
  });
}

function decideAction(
  ctx: DecisionContext,
  actor: Agency,
  loaded: Loaded,
  referralId: string,
  command: ActionCommand,
  meta: CommandMeta,
): Step {
  const referral = loaded.referral;
  if (!referral) throw new HubError('REFERRAL_NOT_FOUND', undefined, { referralId });
  const roles = rolesOf(referral.parties, actor.code);
  if (roles.length === 0) {
    // One who may read it (a former recipient, a coordinator) learns it may not act; others learn nothing.
    const visible = canSee(ctx.scopeOf(actor), referral);
    throw new HubError(visible ? 'ACTOR_NOT_PERMITTED' : 'REFERRAL_NOT_FOUND', undefined, { referralId });
  }
  const allowed = permit(referral.kind, referral.state, command.action, roles);
  if (!allowed.ok) {
    throw new HubError(allowed.code, undefined, {
      referralId,
      state: referral.state,
      action: command.action,
    });
  }
  requireOverdue(ctx, allowed.transition.requires, loaded, referral.id, command.action);
  const { action: _action, ...given } = command;
  let data: Record<string, unknown> = given;
  let parties = referral.parties;
  let briefing: ReturnType<typeof newBriefing> | undefined;
  let moves: StepInput['moves'];
  let links: FileLink[] = [];
  switch (command.action) {
    case 'supplement': {
      const attached = attachDocuments(ctx, referral.id, command.documents, loaded);
      data = { ...given, documents: attached.documents };
      links = attached.links;
      break;
    }
    case 'receipt':
      checkReceivedAt(ctx, referral, command.receivedAt);
      filesOfReferral(loaded, command.filesChecked ?? [], 'filesChecked');
      break;
    case 'report_file_mismatch':
      filesOfReferral(loaded, command.sha256s, 'sha256s');
      break;
    case 'withdraw_case':
    case 'transfer_case':
      notInFuture(ctx, command.decidedAt, 'decidedAt');
      break;
    case 'extend_review':
      moves = [extendedReview(ctx, referral, loaded, command.days)];
      break;
    case 'decline':
      // Decree 310 Art 8, MPS Art 180(1): a decline returns the case files with it.
      data = { ...given, documentsReturned: true, ...carried(referral.id, loaded) };
      break;
    case 'forward':
      // The competent organ gets the package: the file references go with the forward.
      data = { ...given, ...carried(referral.id, loaded) };
      parties = {
        ...parties,
        recipient: forwardTarget(referral.kind, command.to, referral.participants, ctx.directory).code,
      };
      break;
    case 'brief':
      briefing = newBriefing(ctx, actor, command, referral.id, meta);
      data = { ...given, briefingId: briefing.record.id };
      break;
    default:
      break;
  }
  return buildReferralStep(ctx, {
    transition: allowed.transition,
    actor: actor.code,
    referral,
    duties: loaded.duties,
    parties,
    region: referral.region,
    referralId: referral.id,
    data,
    meta,
    ...(briefing ? { briefing } : {}),
    ...(moves ? { moves } : {}),
    links,
  });
}

/** Hashes a party says it checked (or found wrong) must be files the referral carries. */
function filesOfReferral(loaded: Loaded, hashes: readonly string[], path: string): void {
  const carried = new Set((loaded.files ?? []).map((f) => f.sha256));
  hashes.forEach((sha256, index) => {
    if (!carried.has(sha256)) {
      throw new HubError('VALIDATION_FAILED', `${path}.${index}: ${sha256} is not a file of this referral`, {
        path: `${path}.${index}`,
        sha256,
      });
    }
  });
}

/** The referral's files as references, when it carries any. */
function carried(referralId: string, loaded: Loaded): { documents?: unknown[] } {
  const documents = carriedFiles(referralId, loaded);
  return documents.length > 0 ? { documents } : {};
}

/**
 * A row that needs a party's period to have run out (Decree 310 Art 17; SPP Rules Art 562: the agency asks
 * for supervision once the police neither accepted nor decided in time).
 */
function requireOverdue(
  ctx: DecisionContext,
  rules: readonly string[],
  loaded: Loaded,
  referralId: string,
  action: string,
): void {
  if (rules.length === 0) return;
  const now = ctx.now.getTime();
  const overdue = loaded.duties.some(
    (d) => rules.includes(d.ruleId) && !d.window && Date.parse(d.dueAt) < now && d.closedAt === null,
  );
  if (!overdue) {
    throw new HubError(
      'TRANSITION_NOT_ALLOWED',
      `${action} is open only once ${rules.join(' or ')} is overdue`,
      {
        referralId,
        action,
        requires: rules,
      },
    );
  }
}

/** The acceptance a receipt states: no earlier than the delivery, no later than the receipt itself. */
function checkReceivedAt(ctx: DecisionContext, referral: Referral, receivedAt: string | undefined): void {
  if (receivedAt === undefined) return;
  notInFuture(ctx, receivedAt, 'receivedAt');
  const delivered = referral.milestones.forwarded ?? referral.milestones.submitted;
  if (delivered !== undefined && Date.parse(receivedAt) < Date.parse(delivered)) {
    throw new HubError('VALIDATION_FAILED', 'receivedAt lies before the referral was delivered', {
      path: 'receivedAt',
      deliveredAt: delivered,
    });
  }
}

function notInFuture(ctx: DecisionContext, at: string, path: string): void {
  if (Date.parse(at) > ctx.now.getTime() + CLOCK_SKEW_MS) {
    throw new HubError('VALIDATION_FAILED', `${path} lies in the future`, { path });
  }
}

/**
 * SPP/MPS 经济犯罪案件若干规定 (2017) Art 16: the filing review of an economic crime runs 3 days, at latest 10,
 * 30 for a complex or cross-region case with approval, and 30 more with the next level's: the running duty
 * moves to the longer period counted from the same acceptance.
 */
function extendedReview(ctx: DecisionContext, referral: Referral, loaded: Loaded, days: number) {
  if (referral.facts.economicCrime !== true) {
    throw new HubError(
      'TRANSITION_NOT_ALLOWED',
      'only the review of an economic-crime transfer may be extended',
      {
        referralId: referral.id,
      },
    );
  }
  const duty = loaded.duties.find((d) => d.ruleId === 'filing_decision_due' && d.closedAt === null);
  if (!duty) {
    throw new HubError('TRANSITION_NOT_ALLOWED', 'no filing review is running', { referralId: referral.id });
  }
  if (days <= duty.amount) {
    throw new HubError('VALIDATION_FAILED', `the review already runs ${duty.amount} days`, { path: 'days' });
  }
  const rule = ctx.policy.rule(referral.region, duty.ruleId);
  const scheduled = ctx.policy.schedule(referral.region, duty.ruleId, new Date(duty.startedAt), {
    ...rule,
    amount: days,
    unit: 'calendar_day',
  });
  return {
    duty,
    amount: days,
    dueAt: scheduled.dueAt,
    warnAt: scheduled.warnAt,
    provisional: scheduled.provisional,
    provisionalYears: scheduled.provisionalYears,
  };
}
