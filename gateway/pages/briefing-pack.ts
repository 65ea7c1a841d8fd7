import type { BacklogDuty } from '../../db/backlog.js';
import type { Figures, OnTime, PenaltyRisk, Period } from '../../db/statistics.js';
import { DECLINE_REASON_LABELS, KIND_LABELS, RULE_LABELS } from '../../schemas/labels.js';
import { FAVICON_LINK } from './favicon.js';
import { cstDateTime, esc } from './html.js';

export type BriefingPackInput = {
  region: string;
  period: Period;
  now: Date;
  figures: Figures;
  onTime: OnTime[];
  penalties: { thresholdYuan: number | null; cases: PenaltyRisk[] };
  overdue: BacklogDuty[];
  /** The region's case documents for the period: files carried (and their bytes), paper-only ones. */
  documents: { files: number; bytes: number; paper: number };
  names: Map<string, string>;
};

const KIND: Record<string, string> = KIND_LABELS;
const REASON: Record<string, string> = DECLINE_REASON_LABELS;
/** A Chinese name with its code beside it, for a reader who knows one or the other. */
const named = (labels: Record<string, string>, code: string) =>
  labels[code] ? `${esc(labels[code])} <small>(${esc(code)})</small>` : esc(code);

/** 联席会议通报材料: the figures, the overdue list and the cases each body should explain. Printable. */
export function renderBriefingPack(input: BriefingPackInput): string {
  const name = (code: string | null) =>
    code ? `${esc(input.names.get(code) ?? code)} <small>(${esc(code)})</small>` : '—';
  const byBody = new Map<string, BacklogDuty[]>();
  for (const d of input.overdue) byBody.set(d.owedBy, [...(byBody.get(d.owedBy) ?? []), d]);
  const kinds = Object.entries(input.figures.byKind)
    .map(
      ([k, t]) =>
        `<tr><td>${esc(KIND[k] ?? k)}</td><td>${t.count}</td><td>${t.receipted}</td><td>${t.filed}</td><td>${t.declined}</td><td>${t.closed}</td></tr>`,
    )
    .join('');
  const senders = input.figures.bySender
    .filter((r) => r.kind === 'criminal_transfer')
    .map(
      (r) =>
        `<tr><td>${name(r.agency)}</td><td>${r.sent}</td><td>${r.receipted}</td><td>${r.filed}</td><td>${r.declined}</td><td>${r.reconsiderations}</td><td>${r.supervisionRequests}</td><td>${r.late}</td></tr>`,
    )
    .join('');
  const reasons =
    Object.entries(input.figures.declineReasons)
      .map(([r, n]) => `<li>${named(REASON, r)}: ${n}</li>`)
      .join('') || '<li>—</li>';
  const onTime = input.onTime
    .map(
      (r) =>
        `<tr><td>${named(RULE_LABELS, r.rule)}</td><td>${r.met}</td><td>${r.metLate}</td><td>${r.overdue}</td><td>${r.rate === null ? '—' : `${Math.round(r.rate * 100)}%`}</td></tr>`,
    )
    .join('');
  const explain = [...byBody.entries()]
    .map(
      ([
        body,
        duties,
      ]) => `<section class="body"><h3>${name(body)} — ${duties.length} 项逾期 overdue</h3><table>
        <tr><th>案件 case</th><th>义务 duty</th><th>依据 source</th><th>期限 due</th><th>逾期 overdue</th></tr>
        ${duties.map((d) => `<tr><td>${esc(d.referralTitle ?? d.referralId)}</td><td>${esc(d.title)}</td><td>${esc(d.source)}</td><td>${cstDateTime(d.dueAt)}</td><td>${Math.round(d.overdueHours)} h</td></tr>`).join('')}
      </table></section>`,
    )
    .join('');
  const penalties = input.penalties.cases
    .map(
      (c) =>
        `<tr><td>${name(c.agency)}</td><td>${esc(c.decisionNo)}</td><td>${esc(c.offence)}</td><td>${c.amountYuan.toLocaleString('zh-CN')}</td><td>${cstDateTime(c.decidedAt).slice(0, 10)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">${FAVICON_LINK}<title>两法衔接联席会议通报材料 ${esc(input.region)}</title>
<style>
  body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #1a1a1a; }
  h1 { font-size: 1.5em; } h2 { border-bottom: 2px solid #8b0000; padding-bottom: .2em; margin-top: 1.6em; }
  table { border-collapse: collapse; width: 100%; margin: .5em 0; } th, td { border: 1px solid #999; padding: .3em .5em; text-align: left; }
  th { background: #f2f2f2; } small { color: #666; } .meta { color: #444; }
  @media print { body { margin: 1cm; } section.body { page-break-inside: avoid; } }
</style></head><body>
<h1>两法衔接工作联席会议通报材料<br><small>Joint-meeting briefing pack — region ${esc(input.region)}</small></h1>
<p class="meta">统计期间 Period: ${cstDateTime(input.period.from).slice(0, 10)} 至 ${cstDateTime(new Date(input.period.to.getTime() - 1)).slice(0, 10)}；生成时间 Generated: ${cstDateTime(input.now)}</p>
<h2>一、总体情况 Overview</h2>
<p>案卷材料 Case documents: ${input.documents.files} 份电子材料 files (${(input.documents.bytes / 1048576).toFixed(1)} MB)，${input.documents.paper} 份纸质材料 paper-only；页数未统计 pages are not counted (the hub does not open the files).</p>
<table><tr><th>类型 kind</th><th>数量 count</th><th>已回执 receipted</th><th>立案 filed</th><th>不予立案 declined</th><th>结案 closed</th></tr>${kinds || '<tr><td colspan="6">—</td></tr>'}</table>
<p>回执用时 Time to receipt (h): 中位数 median ${input.figures.hoursToReceipt.median ?? '—'}, P90 ${input.figures.hoursToReceipt.p90 ?? '—'}；
立案决定用时 Time to decision (h): 中位数 median ${input.figures.hoursToDecision.median ?? '—'}, P90 ${input.figures.hoursToDecision.p90 ?? '—'}</p>
<h2>二、各行政执法机关移送情况 Transfers by agency</h2>
<table><tr><th>机关 agency</th><th>移送 sent</th><th>回执 receipted</th><th>立案 filed</th><th>不予立案 declined</th><th>复议 reconsideration</th><th>立案监督 supervision</th><th>超时移送 late</th></tr>${senders || '<tr><td colspan="8">—</td></tr>'}</table>
<p>不予立案理由 Decline reasons:</p><ul>${reasons}</ul>
<h2>三、期限执行情况 On-time rate by deadline</h2>
<table><tr><th>规则 rule</th><th>按期 met</th><th>超期完成 met late</th><th>逾期未办 overdue</th><th>按期率 rate</th></tr>${onTime || '<tr><td colspan="5">—</td></tr>'}</table>
<h2>四、需在会上说明的逾期事项 Overdue duties to explain at the meeting</h2>
${explain || '<p>无逾期事项 Nothing overdue.</p>'}
<h2>五、以罚代刑风险 Penalties above the threshold never transferred</h2>
<p>门槛 Threshold: ${input.penalties.thresholdYuan === null ? '未设置 not set' : `${input.penalties.thresholdYuan.toLocaleString('zh-CN')} 元`}</p>
<table><tr><th>机关 agency</th><th>决定书 decision</th><th>违法行为 offence</th><th>罚没金额 amount (元)</th><th>日期 date</th></tr>${penalties || '<tr><td colspan="5">—</td></tr>'}</table>
</body></html>`;
}
