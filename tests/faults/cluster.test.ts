import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { management } from '../../workers/provision.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { waitFor } from '../helpers/wait.js';
import { OwnRabbit } from './own-rabbitmq.js';
import { settle, startAgencies, submitStream } from './scenario.js';

const base = 5710 + (process.pid % 50) * 3;
const nodes = [
  new OwnRabbit(base, 15710 + (process.pid % 50)),
  new OwnRabbit(base + 1, 0),
  new OwnRabbit(base + 2, 0),
];
const [first, second, third] = nodes as [OwnRabbit, OwnRabbit, OwnRabbit];
let hub: TestHub;

beforeAll(async () => {
  await Promise.all(nodes.map((n) => n.start()));
  second.joinCluster(first);
  third.joinCluster(first);
  // The hub is given every node, starting with the one this test will stop; the agencies use the first.
  const all = [second, third, first].map((n) => n.amqpUrl).join(',');
  hub = await createTestHub({
    env: { AMQP_URL: all, RABBITMQ_MANAGEMENT_URL: first.managementUrl, RATE_LIMIT_PER_SECOND: '100000' },
    agencyAmqpUrl: first.amqpUrl,
  });
}, 300_000);
afterAll(async () => {
  await hub?.close().catch(() => {});
  for (const n of [third, second, first]) n.destroy();
}, 180_000);

describe('a three-node RabbitMQ cluster with one node stopped under a stream', () => {
  it('replicates the queues on all three nodes, carries on when a node stops, and the node rejoins', async () => {
    expect(first.runningNodes().sort()).toEqual(nodes.map((n) => n.node).sort());
    const queues = (await management(
      first.managementUrl,
      'GET',
      '/api/queues?columns=name,type,members',
    )) as {
      name: string;
      type: string;
      members?: string[];
    }[];
    const hubQueues = queues.filter((q) => q.name.startsWith(hub.prefix));
    expect(hubQueues.length).toBeGreaterThan(3);
    for (const q of hubQueues) {
      expect(q.type, q.name).toBe('quorum');
      expect([...(q.members ?? [])].sort(), q.name).toEqual(nodes.map((n) => n.node).sort());
    }

    const agencies = await startAgencies(hub);
    const before = await submitStream(hub, 50, 10);
    second.stopApp(); // the node the hub is connected to
    const during = await submitStream(hub, 50, 20);
    await waitFor(
      () => hub.workers.session.current !== undefined,
      'the hub to reconnect to another node',
      60_000,
    );
    second.startApp();
    await waitFor(() => first.runningNodes().length === 3, 'the stopped node to rejoin', 120_000);
    const after = await submitStream(hub, 30, 10);
    const figures = await settle(
      hub,
      'cluster: one of three nodes stopped and restarted',
      [...before, ...during, ...after],
      agencies,
    );
    await agencies.close();
    expect(figures.lost).toBe(0);
    expect(figures.delivered).toBe(figures.sent);
    expect(figures.chainsVerified).toBe(`${figures.sent}/${figures.sent}`);
  });
});
