import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HolidayYearSchema } from '../../schemas/calendar.js';
import { RULES_BY_ID } from '../../schemas/deadlines.js';
import { policyView } from '../../schemas/policy.js';

const dir = new URL('../../schemas/calendar/', import.meta.url);
const years = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => HolidayYearSchema.parse(JSON.parse(readFileSync(new URL(f, dir), 'utf8'))));
const policy = policyView(years, [], new Set());
const due = (rule: string, startCst: string) =>
  policy.schedule('110101', rule, new Date(`${startCst}+08:00`)).dueAt.toISOString();

describe('the rules added for the law, counted by hand across the 2026 holidays', () => {
  it('answers a procuratorate opinion within 2 months of delivery: 1 Aug → 1 Oct, National Day → 8 Oct', () => {
    expect(due('opinion_reply_due', '2026-08-01T10:00:00')).toBe('2026-10-08T16:00:00.000Z');
    expect(due('reverse_reply_due', '2026-08-01T10:00:00')).toBe('2026-10-08T16:00:00.000Z');
  });

  it('reviews a supervision request in the hub default 30 days: 1 Sep → 1 Oct → 8 Oct', () => {
    expect(due('supervision_review_due', '2026-09-01T10:00:00')).toBe('2026-10-08T16:00:00.000Z');
    expect(RULES_BY_ID.get('supervision_review_due')?.source).toContain('hub default');
  });

  it('reports a withdrawn case within 3 days of the decision: 30 Apr → 3 May, Labour Day → 6 May', () => {
    expect(due('report_withdrawal_due', '2026-04-30T09:00:00')).toBe('2026-05-06T16:00:00.000Z');
    expect(due('report_transfer_due', '2026-04-30T09:00:00')).toBe('2026-05-06T16:00:00.000Z');
  });

  it('decides on a duty clue in the hub default 30 days: 20 Jan → 19 Feb, Spring Festival → 24 Feb', () => {
    expect(due('clue_decision_due', '2026-01-20T10:00:00')).toBe('2026-02-24T16:00:00.000Z');
  });

  it('reports the handling of a returned case in the hub default 90 days: 1 Jul → 29 Sep', () => {
    expect(due('handling_report_due', '2026-07-01T10:00:00')).toBe('2026-09-29T16:00:00.000Z');
  });

  it('asks a supplement and forwards within 24 h counted per 刑诉法 Art 105, never moved by a holiday', () => {
    // 15:20 on 30 Sep: the hour does not count, so from 16:00 to 16:00 on 1 Oct (国庆, still due).
    expect(due('supplement_request_window', '2026-09-30T15:20:00')).toBe('2026-10-01T08:00:00.000Z');
    expect(due('forward_window', '2026-09-30T15:20:00')).toBe('2026-10-01T08:00:00.000Z');
  });

  it('receipts an opinion, a return and a clue in the hub default 3 days: 18 Jun → 21 Jun, 端午 → 22 Jun', () => {
    for (const rule of ['opinion_receipt_due', 'reverse_receipt_due', 'clue_receipt_due']) {
      expect(due(rule, '2026-06-18T10:00:00'), rule).toBe('2026-06-22T16:00:00.000Z');
    }
  });

  it('reports a police return in the hub default 90 days: 9 Jul → 7 Oct, National Day → 8 Oct', () => {
    expect(due('reverse_report_due', '2026-07-09T10:00:00')).toBe('2026-10-08T16:00:00.000Z');
  });

  it('counts the supervision periods across holidays: 7 days over 中秋, 10 over Labour Day, 15 over 国庆', () => {
    expect(due('reasons_due', '2026-09-20T10:00:00')).toBe('2026-09-28T16:00:00.000Z');
    expect(due('supervision_notice_due', '2026-04-24T10:00:00')).toBe('2026-05-06T16:00:00.000Z');
    expect(due('ordered_filing_due', '2026-09-16T10:00:00')).toBe('2026-10-08T16:00:00.000Z');
  });

  it('gives a police or court return the hub default, and only a procuratorate opinion the 2 months', () => {
    expect(RULES_BY_ID.get('reverse_reply_due')?.appliesTo).toEqual(['procuratorate']);
    expect(RULES_BY_ID.get('reverse_report_due')?.appliesTo).toEqual(['police', 'court']);
    expect(RULES_BY_ID.get('reverse_report_due')?.source).toContain('hub default');
  });

  it('cites the article that binds the receiving body for a duty clue, and 561 for ordering a filing', () => {
    expect(RULES_BY_ID.get('clue_receipt_due')?.source).not.toContain('Decree 310 Art 19');
    expect(RULES_BY_ID.get('goods_handover_due')?.fulfilledBy).not.toContain('closed');
  });
});
