import { readFileSync, writeFileSync } from 'node:fs';
import { DEADLINE_RULES, startingEvents } from '../schemas/deadlines.js';
import { OPEN_ENDED, TRANSITIONS } from '../schemas/lifecycle.js';
import { REFERRAL_KINDS } from '../schemas/referral.js';

/**
 * The README's tables of steps and deadlines, written from the lifecycle table and the deadline rules, so
 * that they cannot drift (tests/structure/readme-tables.test.ts compares; `npx tsx scripts/readme-tables.ts
 * --write` rewrites them between their markers).
 */
const code = (s: string) => `\`${s}\``;
const list = (xs: readonly string[]) => (xs.length ? xs.map(code).join(', ') : '—');

export function stepsTable(): string {
  const lines: string[] = [];
  for (const kind of REFERRAL_KINDS) {
    lines.push(`**${code(kind)}**`, '');
    lines.push('| from | action | by | to (event) | tells | opens | only when overdue | source |');
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const t of TRANSITIONS.filter((t) => t.kind === kind && t.action !== 'brief')) {
      const to = t.event === t.to ? code(t.to) : `${code(t.to)} (${code(t.event)})`;
      lines.push(
        `| ${t.from ? code(t.from) : '—'} | ${code(t.action)} | ${t.actor} | ${to} | ${t.notify.join(', ')} | ${list(t.opens)} | ${list(t.requires)} | ${t.source} |`,
      );
    }
    const open = Object.entries(OPEN_ENDED[kind] ?? {});
    if (open.length) {
      lines.push(
        '',
        `Open-ended (no one owes anything by a date): ${open.map(([s, why]) => `${code(s)} — ${why}`).join('; ')}.`,
      );
    }
    lines.push('');
  }
  lines.push('Any party may also `brief` in any state (案情通报, seed 三(六)); the state stays.');
  return lines.join('\n');
}

export function deadlinesTable(): string {
  const lines = [
    '| rule | kind | owed by | period | counted | starts at | opened by | fulfilled by | source |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of DEADLINE_RULES) {
    const period = `${r.amount} ${r.unit}${r.window ? ' (window)' : ''}`;
    const counted =
      r.unit === 'hour' ? (r.hourCounting === 'article_105' ? '刑诉法 Art 105' : 'exact hours') : '';
    const starts = r.startsFrom ? code(r.startsFrom) : 'the step';
    const applies = r.appliesTo ? ` (senders: ${r.appliesTo.join(', ')})` : '';
    lines.push(
      `| ${code(r.id)} | ${r.kind}${applies} | ${r.responsible} | ${period} | ${counted} | ${starts} | ${list(startingEvents(r.id))} | ${list(r.fulfilledBy)} | ${r.source} |`,
    );
  }
  return lines.join('\n');
}

const MARKERS = {
  steps: ['<!-- steps:start -->', '<!-- steps:end -->', stepsTable],
  deadlines: ['<!-- deadlines:start -->', '<!-- deadlines:end -->', deadlinesTable],
} as const;

/** The README with its generated tables as they are now. */
export function readmeWithTables(readme: string): string {
  let out = readme;
  for (const [start, end, make] of Object.values(MARKERS)) {
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`the README lacks ${start} … ${end}`);
    out = `${out.slice(0, from + start.length)}\n${make()}\n${out.slice(to)}`;
  }
  return out;
}

if (process.argv.includes('--write')) {
  const path = new URL('../README.md', import.meta.url);
  writeFileSync(path, readmeWithTables(readFileSync(path, 'utf8')));
}
