import { applyDutyChange, type Duty, type DutyChange } from '../schemas/referral-state.js';
import { guardOf, type Step } from '../schemas/step.js';
import { BRIEFING_INPUT, BRIEFING_WRITES, briefingRow } from './briefings.js';
import { type Db, prepared } from './connection.js';
import { DEDUP_INPUTS, DEDUP_RECORDS, type Dedup } from './dedup.js';
import { changedRow, DUTY_INPUTS, DUTY_WRITES, openedRow } from './duties.js';
import { FILE_LINK_INPUT, FILE_LINKS } from './files.js';
import { eventRow, LEDGER_APPEND, LEDGER_INPUT } from './ledger.js';
import { OUTBOX_ENQUEUE, OUTBOX_INPUT, outboxRow } from './outbox.js';
import { createdRow, movedRow, REFERRAL_INPUTS, REFERRAL_WRITES } from './referrals.js';

/** A decided step with what the command path adds: the de-duplication record that guards it. */
export type StepToWrite = { step: Step; dedup?: Dedup; outcome: 'created' | 'applied' };

const INPUTS = [
  REFERRAL_INPUTS.created,
  REFERRAL_INPUTS.moved,
  LEDGER_INPUT,
  OUTBOX_INPUT,
  DUTY_INPUTS.opened,
  DUTY_INPUTS.changed,
  DEDUP_INPUTS.keys,
  DEDUP_INPUTS.messages,
  BRIEFING_INPUT,
  FILE_LINK_INPUT,
] as const;

/**
 * Every step of a batch in one statement (one transaction, one round trip), composed of each table's own
 * writer. A referral's write is guarded by its version (or, new, by its id); everything a step writes
 * besides is joined to that guard, so a lost race writes nothing of that step and the rest of the batch
 * stands. Returns the guards that were written.
 */
const WRITE_STEPS = `WITH
  ${INPUTS.map((input, i) => `${input.name} AS MATERIALIZED (SELECT * FROM json_to_recordset($${i + 1}::json) AS t(${input.columns}))`).join(',\n  ')},
  ${REFERRAL_WRITES},
  referral_guards AS (SELECT id FROM new_referrals UNION ALL SELECT id FROM moved_referrals),
  ${BRIEFING_WRITES},
  guards AS (SELECT id FROM referral_guards UNION ALL SELECT id FROM new_briefings WHERE referral_id IS NULL),
  ${LEDGER_APPEND},
  ${DUTY_WRITES},
  ${OUTBOX_ENQUEUE},
  ${DEDUP_RECORDS},
  ${FILE_LINKS}
SELECT id FROM guards`;

type InputRow = { row: Record<string, unknown>; raw?: Record<string, string> };

/** JSON of the rows, with `raw` members spliced in as the JSON text they already are (written once). */
function jsonRows(rows: readonly InputRow[]): string {
  const parts = rows.map(({ row, raw }) => {
    const base = JSON.stringify(row);
    if (!raw) return base;
    const extra = Object.entries(raw).map(([k, v]) => `${JSON.stringify(k)}:${v}`);
    return `${base.slice(0, -1)},${extra.join(',')}}`;
  });
  return `[${parts.join(',')}]`;
}

export async function writeSteps(db: Db, steps: readonly StepToWrite[]): Promise<Set<string>> {
  const created: InputRow[] = [];
  const moved = new Map<string, { expected: number; row: InputRow }>();
  const events: InputRow[] = [];
  const outbox: InputRow[] = [];
  const opened = new Map<string, Duty>();
  const changes = new Map<string, { referralId: string; change: DutyChange }>();
  const keys: InputRow[] = [];
  const messages: InputRow[] = [];
  const briefings: InputRow[] = [];
  const links: InputRow[] = [];
  for (const { step, dedup, outcome } of steps) {
    const guard = guardOf(step);
    if (step.kind === 'referral') {
      if (step.before === null) created.push({ row: createdRow(step.after) });
      else {
        // Several steps on one referral in a batch: one guarded update from the first step's version.
        const expected = moved.get(guard)?.expected ?? step.before.version;
        moved.set(guard, { expected, row: { row: movedRow(expected, step.after) } });
      }
      for (const e of step.events) events.push(eventRow(e));
      for (const d of step.opens) opened.set(d.id, d);
      for (const c of step.changes) {
        const open = opened.get(c.id);
        // A duty opened earlier in this batch is inserted as it ends up (the update would not see it).
        if (open) opened.set(c.id, applyDutyChange(open, c));
        else changes.set(c.id, { referralId: guard, change: merged(changes.get(c.id)?.change, c) });
      }
      if (step.briefing) briefings.push({ row: briefingRow(step.briefing) });
      for (const l of step.links ?? []) {
        links.push({
          row: { referral_id: guard, sha256: l.sha256, document_type: l.documentType, title: l.title },
        });
      }
    } else briefings.push({ row: briefingRow(step.briefing) });
    for (const m of step.outgoing) outbox.push(outboxRow(m, guard));
    if (dedup?.via === 'http') {
      keys.push({
        row: { agency_code: dedup.agency, key: dedup.key, request_hash: dedup.requestHash, outcome, guard },
        raw: { response: JSON.stringify(step.result) },
      });
    } else if (dedup?.via === 'amqp') {
      messages.push({
        row: { message_id: dedup.messageId, sender_code: dedup.sender, type: dedup.type, guard },
      });
    }
  }
  const values = [
    jsonRows(created),
    jsonRows([...moved.values()].map((m) => m.row)),
    jsonRows(events),
    jsonRows(outbox),
    jsonRows([...opened.values()].map((d) => ({ row: openedRow(d) }))),
    jsonRows([...changes.values()].map((c) => ({ row: changedRow(c.referralId, c.change) }))),
    jsonRows(keys),
    jsonRows(messages),
    jsonRows(briefings),
    jsonRows(links),
  ];
  const rows = await prepared<{ id: string }>(db, 'hub_write_steps_v5', WRITE_STEPS, values);
  return new Set(rows.map((r) => r.id));
}

function merged(earlier: DutyChange | undefined, later: DutyChange): DutyChange {
  return earlier ? { ...earlier, ...stripUndefined(later) } : later;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
