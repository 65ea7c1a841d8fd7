import { type ActionCommand, assertNever } from './actions.js';
import type { Agency } from './agency.js';
import { decideAlarm } from './alarms.js';
import { decideBriefing, newBriefing } from './briefings.js';
import type { Command, CommandMeta } from './commands.js';
import type { Actor, Decision, DecisionContext, Loaded } from './decision-context.js';
import { HubError, isHubError } from './errors.js';
import { permit } from './lifecycle.js';
import { forwardTarget, partiesOfSubmission } from './parties.js';
import type { Submission } from './referral.js';
import { rolesOf } from './referral-state.js';
import { buildReferralStep } from './referral-step.js';
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
  if (actor === 'hub') throw new HubError('ACTOR_NOT_PERMITTED', 'the hub takes no lifecycle actions');
  switch (command.type) {
    case 'submit':
      return decideSubmission(ctx, actor, command.submission, meta);
    case 'action':
      return decideAction(ctx, actor, loaded, command.referralId, command.action, meta);
    case 'brief':
      return decideBriefing(ctx, actor, command.briefing, meta);
    default:
      return assertNever(command);
  }
}

function decideSubmission(ctx: DecisionContext, actor: Agency, submission: Submission, meta: CommandMeta) {
  const allowed = permit(submission.kind, null, 'submit', ['sender']);
  if (!allowed.ok) throw new HubError(allowed.code);
  const parties = partiesOfSubmission(
    submission.kind,
    actor,
    submission.recipient,
    ctx.directory,
    ctx.policy.regionCopies(actor.region),
  );
  let data: Record<string, unknown> = submission;
  if (submission.kind === 'criminal_transfer') {
    const approvedAt = Date.parse(submission.approvedAt);
    if (approvedAt > ctx.now.getTime() + CLOCK_SKEW_MS) {
      throw new HubError('VALIDATION_FAILED', 'approvedAt lies in the future', { path: 'approvedAt' });
    }
    // Decree 310 Art 5: transferred more than the region's period after the head's approval is late.
    const { dueAt } = ctx.policy.schedule(actor.region, 'send_after_approval', new Date(approvedAt));
    data = { ...submission, late: ctx.now.getTime() > dueAt.getTime() };
  }
  const referralId = ctx.newId('referral');
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
  const { action: _action, ...given } = command;
  let data: Record<string, unknown> = given;
  let parties = referral.parties;
  let briefing: ReturnType<typeof newBriefing> | undefined;
  switch (command.action) {
    case 'decline':
      // Decree 310 Art 8, MPS Art 180(1): a decline returns the case files with it.
      data = { ...given, documentsReturned: true };
      break;
    case 'forward':
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
  });
}
