import { describe, expect, it } from 'vitest';
import { DECLINE_REASONS } from '../../schemas/actions.js';
import { DEADLINE_RULES, DUTY_STATUSES } from '../../schemas/deadlines.js';
import {
  DECLINE_REASON_LABELS,
  DUTY_STATUS_LABELS,
  KIND_LABELS,
  RULE_LABELS,
  unlabelled,
} from '../../schemas/labels.js';
import { REFERRAL_KINDS } from '../../schemas/referral.js';

describe('the labels people read', () => {
  it('names every state and event of the lifecycle in Chinese', () => {
    expect(unlabelled()).toEqual([]);
  });

  it('names every kind, duty status, decline reason and rule', () => {
    for (const k of REFERRAL_KINDS) expect(KIND_LABELS[k]).toMatch(/\p{Script=Han}/u);
    for (const s of DUTY_STATUSES) expect(DUTY_STATUS_LABELS[s]).toMatch(/\p{Script=Han}/u);
    for (const r of DECLINE_REASONS) expect(DECLINE_REASON_LABELS[r]).toMatch(/\p{Script=Han}/u);
    for (const r of DEADLINE_RULES) expect(RULE_LABELS[r.id], r.id).toMatch(/\p{Script=Han}/u);
  });
});
