import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { CommandContext } from '../db/command-path.js';
import { outboxRow } from '../db/command-path.js';
import { hashLink } from '../db/ledger-hash.js';
import type { Logger } from '../db/logger.js';
import { HUB } from '../schemas/messages.js';
import { backoffMs } from './connection.js';

type DueDuty = {
  id: string;
  referral_id: string;
  rule_id: string;
  title: string;
  source: string;
  region: string;
  responsible_code: string;
  counterparty_code: string | null;
  due_at: Date;
  status: string;
  is_window: boolean;
};

type Alarm = 'approaching' | 'overdue';

/**
 * Watches the duties table: `deadline.approaching` when a duty reaches its warning time, `deadline.overdue`
 * when its due time passes, each once, on the referral's ledger and to the responsible body, the
 * counterparty, the region's procuratorate and coordinator. Duties are rows, so a restart loses nothing;
 * each alarm is a guarded status change inside one transaction, so two workers never send it twice.
 */
export class DeadlineWatcher {
  private running = false;
  private loopDone: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly ctx: CommandContext,
    private readonly pollMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        await this.tick();
        failures = 0;
      } catch (error) {
        failures++;
        this.log.warn({ err: (error as Error).message, failures }, 'deadline tick failed');
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, failures ? backoffMs(failures) : this.pollMs);
      });
    }
  }

  /** One pass at the injected clock's time; returns how many alarms it raised. */
  async tick(): Promise<{ approaching: number; overdue: number; lapsed: number }> {
    const now = this.ctx.clock();
    const lapsed = await sql`
      UPDATE duties SET status = 'lapsed', closed_at = due_at
      WHERE status = 'open' AND is_window AND due_at <= ${now}`.execute(this.ctx.db);
    const overdue = await this.raise('overdue', now);
    const approaching = await this.raise('approaching', now);
    return { approaching, overdue, lapsed: Number(lapsed.numAffectedRows ?? 0) };
  }

  private async raise(alarm: Alarm, now: Date): Promise<number> {
    const { rows } = await (alarm === 'overdue'
      ? sql<DueDuty>`SELECT * FROM duties WHERE status IN ('open', 'warned') AND NOT is_window AND due_at <= ${now}
          ORDER BY due_at LIMIT 200`
      : sql<DueDuty>`SELECT * FROM duties WHERE status = 'open' AND NOT is_window AND warn_at <= ${now} AND due_at > ${now}
          ORDER BY warn_at LIMIT 200`
    ).execute(this.ctx.db);
    let raised = 0;
    for (const duty of rows) if (await this.raiseOne(duty, alarm, now)) raised++;
    return raised;
  }

  private async raiseOne(duty: DueDuty, alarm: Alarm, now: Date): Promise<boolean> {
    const recipients = await this.recipientsOf(duty);
    return this.ctx.db.transaction().execute(async (trx) => {
      // The referral row lock orders this append with commands on the same chain.
      const ref = await sql<{ head_seq: number; head_hash: string; kind: string; state: string }>`
        SELECT head_seq, head_hash, kind, state FROM referrals WHERE id = ${duty.referral_id} FOR UPDATE`.execute(
        trx,
      );
      const head = ref.rows[0];
      if (!head) return false;
      const from = alarm === 'overdue' ? ['open', 'warned'] : ['open'];
      const marked = await sql`
        UPDATE duties SET status = ${alarm === 'overdue' ? 'overdue' : 'warned'},
          ${sql.raw(alarm === 'overdue' ? 'overdue_at' : 'warned_at')} = ${now}
        WHERE id = ${duty.id} AND status = ANY(${from}::text[])`.execute(trx);
      if (Number(marked.numAffectedRows ?? 0) !== 1) return false;
      const event = `deadline_${alarm}`;
      const payload = {
        dutyId: duty.id,
        rule: duty.rule_id,
        title: duty.title,
        source: duty.source,
        responsible: duty.responsible_code,
        counterparty: duty.counterparty_code,
        dueAt: new Date(duty.due_at).toISOString(),
      };
      const seq = head.head_seq + 1;
      const occurredAt = now.toISOString();
      const hash = hashLink({
        referralId: duty.referral_id,
        seq,
        event,
        action: 'watch_deadline',
        actor: HUB,
        occurredAt,
        payload,
        prevHash: head.head_hash,
      });
      await sql`
        INSERT INTO ledger_events (referral_id, seq, event, action, actor_code, occurred_at, payload, message_id, prev_hash, hash)
        VALUES (${duty.referral_id}, ${seq}, ${event}, 'watch_deadline', ${HUB}, ${occurredAt},
          ${JSON.stringify(payload)}::jsonb, NULL, ${head.head_hash}, ${hash})`.execute(trx);
      await sql`
        UPDATE referrals SET head_seq = ${seq}, head_hash = ${hash}, version = version + 1, updated_at = ${now}
        WHERE id = ${duty.referral_id}`.execute(trx);
      for (const recipient of recipients) {
        const row = await outboxRow(this.ctx, {
          messageId: randomUUID(),
          type: `deadline.${alarm}`,
          referralId: duty.referral_id,
          sender: HUB,
          recipient,
          occurredAt,
          correlationId: duty.referral_id,
          causationId: null,
          payload: {
            ...payload,
            referralId: duty.referral_id,
            status: alarm === 'overdue' ? 'overdue' : 'warned',
          },
        });
        await sql`
          INSERT INTO outbox (message_id, recipient_code, channel, type, referral_id, envelope)
          VALUES (${row.message_id}, ${row.recipient_code}, ${row.channel}, ${row.type}, ${duty.referral_id},
            ${JSON.stringify(row.envelope)}::jsonb)`.execute(trx);
      }
      return true;
    });
  }

  /** The responsible body, the counterparty, the region's procuratorate and coordinator. */
  private async recipientsOf(duty: DueDuty): Promise<string[]> {
    const procuratorate = await this.ctx.directory.inRegion(duty.region, 'procuratorate');
    const coordinator = await this.ctx.directory.inRegion(duty.region, 'coordinator');
    const codes = [duty.responsible_code, duty.counterparty_code, procuratorate?.code, coordinator?.code];
    return [...new Set(codes.filter((c): c is string => typeof c === 'string'))];
  }
}
