import { createHash } from 'node:crypto';
import type { Agency } from '../../schemas/agency.js';

export const REGION = '110101';

/** One region with a body of each kind; codes are per test file (each has its own database). */
export const TEST_AGENCIES: Agency[] = [
  {
    code: 'enf-a',
    name: '测试市场监督管理局',
    kind: 'enforcement',
    region: REGION,
    parent: null,
    delivery: 'amqp',
  },
  {
    code: 'enf-a-east',
    name: '测试市场监督管理局东城分局',
    kind: 'enforcement',
    region: REGION,
    parent: 'enf-a',
    delivery: 'http',
  },
  {
    code: 'enf-b',
    name: '测试生态环境局',
    kind: 'enforcement',
    region: REGION,
    parent: null,
    delivery: 'http',
  },
  { code: 'pol-a', name: '测试公安局', kind: 'police', region: REGION, parent: null, delivery: 'amqp' },
  {
    code: 'pol-b',
    name: '测试公安局经侦大队',
    kind: 'police',
    region: REGION,
    parent: 'pol-a',
    delivery: 'amqp',
  },
  {
    code: 'proc',
    name: '测试人民检察院',
    kind: 'procuratorate',
    region: REGION,
    parent: null,
    delivery: 'amqp',
  },
  {
    code: 'sup',
    name: '测试监察委员会',
    kind: 'supervision',
    region: REGION,
    parent: null,
    delivery: 'http',
  },
  {
    code: 'just',
    name: '测试司法局',
    kind: 'justice_bureau',
    region: REGION,
    parent: null,
    delivery: 'http',
  },
  {
    code: 'coord',
    name: '测试联席会议办公室',
    kind: 'coordinator',
    region: REGION,
    parent: null,
    delivery: 'http',
  },
];

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/** A complete Decree 310 Art 6 transfer package from enf-a to pol-a, approved an hour before `now`. */
export function criminalTransfer(overrides: Record<string, unknown> = {}, now = new Date()) {
  return {
    kind: 'criminal_transfer',
    recipient: 'pol-a',
    caseSummary: {
      title: '涉嫌销售假冒注册商标的商品案',
      facts: '当事人销售假冒注册商标的白酒，货值金额 12 万元。',
    },
    suspectedOffence: '销售假冒注册商标的商品罪',
    documents: [
      { type: 'transfer_letter', title: '涉嫌犯罪案件移送书', sha256: digest('letter'), paper: true },
      {
        type: 'investigation_report',
        title: '涉嫌犯罪案件情况的调查报告',
        sha256: digest('report'),
        paper: true,
      },
      { type: 'item_inventory', title: '涉案物品清单', sha256: digest('inventory'), paper: true },
    ],
    caseTeam: [
      { name: '王执法', certificateNo: 'ZF-0001' },
      { name: '李执法', certificateNo: 'ZF-0002' },
    ],
    approvedAt: new Date(now.getTime() - 3600_000).toISOString(),
    priorPenalties: [],
    ...overrides,
  };
}

/** A police (or procuratorate) return to enf-a: no crime, but an administrative penalty is due. */
export const reverseTransfer = {
  kind: 'reverse_transfer',
  recipient: 'enf-a',
  caseSummary: { title: '不构成犯罪但应予行政处罚', facts: '经审查未达到追诉标准。' },
  basis: 'no_crime_administrative_liability',
};

/** A clue of an official's misconduct from enf-a to the supervision commission. */
export const dutyClue = {
  kind: 'duty_clue',
  recipient: 'sup',
  caseSummary: { title: '执法人员涉嫌受贿线索', facts: '检查中发现执法人员收受当事人财物。' },
  suspectedConduct: 'embezzlement_bribery',
  officials: [{ name: '赵某', position: '科员' }],
};
