import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkChain } from '../../db/ledger.js';
import { ActionCommandSchema } from '../../schemas/actions.js';
import { type HolidayYear, HolidayYearSchema } from '../../schemas/calendar.js';
import type { Command } from '../../schemas/commands.js';
import { decide } from '../../schemas/decide.js';
import type { DecisionContext, IdPurpose } from '../../schemas/decision-context.js';
import { replay } from '../../schemas/evolve.js';
import { directoryView, partiesOfSubmission } from '../../schemas/parties.js';
import { policyView } from '../../schemas/policy.js';
import { SubmissionSchema } from '../../schemas/referral.js';
import type { Duty, LedgerEvent, Referral } from '../../schemas/referral-state.js';
import { scopeOf } from '../../schemas/visibility.js';
import { TEST_AGENCIES } from '../helpers/fixtures.js';

/**
 * Chains recorded through the whole hub (tests/fixtures/record-chains.gen.ts). `chains-before-redesign.json`
 * was recorded before the command path became load → decide → write (commit 56e49cf): the pure decision
 * reproduced it event by event and hash by hash, until the lifecycle changed to follow the law more closely
 * (issue 12); its chains must still verify and replay. `chains.json` is recorded with today's rules: the pure
 * decision must reproduce it, so that a refactor that changes a hash is seen.
 */
type StoredEvent = {
  referral_id: string;
  seq: number;
  event: string;
  action: string;
  actor_code: string;
  occurred_at: string;
  payload: Record<string, unknown>;
  message_id: string | null;
  prev_hash: string;
  hash: string;
};
type Chain = {
  id: string;
  referral: Record<string, any>;
  events: StoredEvent[];
  duties: { id: string; rule: string; opened_seq: number }[];
};
type Recorded =
  | { at: string; as: string; referral: string | null; body: Record<string, unknown> }
  | { at: string; tick: true };
type Fixture = { commands: Recorded[]; chains: Chain[] };
const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as Fixture;
const fixture = load('chains.json');
const beforeRedesign = load('chains-before-redesign.json');

const calendarDir = new URL('../../schemas/calendar/', import.meta.url);
const years: HolidayYear[] = readdirSync(calendarDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => HolidayYearSchema.parse(JSON.parse(readFileSync(new URL(f, calendarDir), 'utf8'))));
const directory = directoryView(TEST_AGENCIES);
const policy = policyView(years, [], new Set());

const asEvent = (e: StoredEvent): LedgerEvent => ({
  referralId: e.referral_id,
  seq: e.seq,
  event: e.event,
  action: e.action,
  actor: e.actor_code,
  occurredAt: e.occurred_at,
  payload: e.payload,
  messageId: e.message_id,
  prevHash: e.prev_hash,
  hash: e.hash,
});

function contextAt(at: string, ids: Partial<Record<IdPurpose, string>>): DecisionContext {
  return {
    now: new Date(at),
    directory,
    policy,
    scopeOf: (actor) => scopeOf(TEST_AGENCIES, actor),
    newId: (purpose) => ids[purpose] ?? randomUUID(),
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
    fileLimits: { maxBytes: 1024 ** 3, maxCount: 500 },
  };
}

function storedRow(r: Referral) {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    version: r.version,
    sender_code: r.parties.sender,
    recipient_code: r.parties.recipient,
    procuratorate_code: r.parties.procuratorate,
    copy_codes: r.parties.copies,
    participant_codes: r.participants,
    region: r.region,
    late: r.late,
    head_seq: r.head.seq,
    head_hash: r.head.hash,
    milestones: r.milestones,
    facts: r.facts,
    submission: r.submission,
    approved_at: r.approvedAt,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

function normalised(row: Record<string, any>) {
  const iso = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());
  return {
    ...row,
    approved_at: iso(row.approved_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

describe("chains recorded with today's rules", () => {
  it('are reproduced event by event, hash by hash, by the pure decision', () => {
    const state = new Map<string, { referral: Referral; duties: Duty[] }>();
    const next = new Map<string, number>();
    const pending = [...fixture.chains];
    let compared = 0;
    const check = (step: { events: { hash: string; seq: number }[] }, chain: Chain) => {
      const index = next.get(chain.id) ?? 0;
      const expected = chain.events[index]!;
      const [event] = step.events as unknown as (LedgerEvent & { payloadJson: string })[];
      expect({ ...event, payloadJson: undefined }).toEqual({ ...asEvent(expected), payloadJson: undefined });
      next.set(chain.id, index + 1);
      compared++;
    };
    const apply = (chain: Chain, step: any) => {
      const known = state.get(chain.id)?.duties ?? [];
      const opened = (step.opens as Duty[]).map((d) => ({
        ...d,
        id: chain.duties.find((x) => x.rule === d.ruleId && x.opened_seq === d.openedSeq)?.id ?? d.id,
      }));
      const duties = [...known, ...opened].map((d) => {
        const change = (step.changes as { id: string; status: Duty['status'] }[]).find((c) => c.id === d.id);
        return change ? { ...d, status: change.status } : d;
      });
      state.set(chain.id, { referral: step.after, duties });
    };
    for (const command of fixture.commands) {
      if ('tick' in command) {
        for (const chain of fixture.chains) {
          // A tick may raise several alarms on one chain, in the order the watcher raised them.
          for (;;) {
            const expected = chain.events[next.get(chain.id) ?? 0];
            if (!expected || expected.actor_code !== 'hub' || expected.occurred_at !== command.at) break;
            const loaded = state.get(chain.id)!;
            const alarm = expected.event === 'deadline_overdue' ? 'overdue' : 'approaching';
            const watch: Command = {
              type: 'watch_deadline',
              referralId: chain.id,
              dutyId: expected.payload.dutyId as string,
              alarm,
            };
            const decision = decide(contextAt(command.at, {}), 'hub', loaded, watch, {});
            if (!decision.ok) throw decision.error;
            check(decision.step as any, chain);
            apply(chain, decision.step);
          }
        }
        continue;
      }
      const actor = directory.get(command.as)!;
      const chain = command.referral
        ? fixture.chains.find((c) => c.id === command.referral)!
        : pending.shift()!;
      const expected = chain.events[next.get(chain.id) ?? 0]!;
      const ids = {
        referral: chain.id,
        briefing: (expected.payload.briefingId as string | undefined) ?? randomUUID(),
      };
      const parsed: Command = command.referral
        ? { type: 'action', referralId: chain.id, action: ActionCommandSchema.parse(command.body) }
        : { type: 'submit', submission: SubmissionSchema.parse(command.body) };
      const loaded = state.get(chain.id) ?? { referral: null, duties: [] };
      const decision = decide(contextAt(command.at, ids), actor, loaded, parsed, {});
      if (!decision.ok) throw decision.error;
      check(decision.step as any, chain);
      apply(chain, decision.step);
    }
    expect(compared).toBe(fixture.chains.reduce((n, c) => n + c.events.length, 0));
    for (const chain of fixture.chains) {
      expect(normalised(storedRow(state.get(chain.id)!.referral))).toEqual(normalised(chain.referral));
    }
  });

  it('give back the stored referral rows when their ledger is replayed through evolve', () => {
    for (const chain of [...fixture.chains, ...beforeRedesign.chains]) {
      const first = chain.events[0]!;
      const sender = directory.get(first.actor_code)!;
      const parties = partiesOfSubmission(
        first.payload.kind as never,
        sender,
        first.payload.recipient as string,
        directory,
        false,
      );
      const referral = replay(chain.events.map(asEvent), { parties, region: sender.region });
      expect(normalised(storedRow(referral))).toEqual(normalised(chain.referral));
    }
  });
});

describe('chains recorded before the redesign', () => {
  it('still verify link by link with the hash function of today', () => {
    for (const chain of beforeRedesign.chains) {
      const entries = chain.events.map((e) => ({ ...asEvent(e), recordedAt: e.occurred_at }));
      const head = { seq: chain.referral.head_seq as number, hash: chain.referral.head_hash as string };
      expect(checkChain(chain.id, entries, head), chain.id).toEqual([]);
    }
    expect(beforeRedesign.chains.reduce((n, c) => n + c.events.length, 0)).toBeGreaterThan(25);
  });
});
