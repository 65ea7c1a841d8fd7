import type { Agency } from '../schemas/agency.js';

/** 示范区: a demo region with one agency of every kind, seeded when the database is empty. */
export const DEMO_REGION = '500156';

export const DEMO_AGENCIES: Agency[] = [
  {
    code: 'demo-coordinator',
    name: '示范区两法衔接联席会议办公室',
    kind: 'coordinator',
    region: DEMO_REGION,
    parent: null,
    delivery: 'http',
  },
  {
    code: 'demo-market',
    name: '示范区市场监督管理局',
    kind: 'enforcement',
    region: DEMO_REGION,
    parent: null,
    delivery: 'amqp',
  },
  {
    code: 'demo-market-east',
    name: '示范区市场监督管理局东城分局',
    kind: 'enforcement',
    region: DEMO_REGION,
    parent: 'demo-market',
    delivery: 'http',
  },
  {
    code: 'demo-ecology',
    name: '示范区生态环境局',
    kind: 'enforcement',
    region: DEMO_REGION,
    parent: null,
    delivery: 'http',
  },
  {
    code: 'demo-police',
    name: '示范区公安局',
    kind: 'police',
    region: DEMO_REGION,
    parent: null,
    delivery: 'amqp',
  },
  {
    code: 'demo-police-econ',
    name: '示范区公安局经济犯罪侦查大队',
    kind: 'police',
    region: DEMO_REGION,
    parent: 'demo-police',
    delivery: 'amqp',
  },
  {
    code: 'demo-procuratorate',
    name: '示范区人民检察院',
    kind: 'procuratorate',
    region: DEMO_REGION,
    parent: null,
    delivery: 'amqp',
  },
  {
    code: 'demo-supervision',
    name: '示范区监察委员会',
    kind: 'supervision',
    region: DEMO_REGION,
    parent: null,
    delivery: 'http',
  },
  {
    code: 'demo-justice',
    name: '示范区司法局',
    kind: 'justice_bureau',
    region: DEMO_REGION,
    parent: null,
    delivery: 'http',
  },
];
