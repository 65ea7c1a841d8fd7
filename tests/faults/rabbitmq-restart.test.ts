import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { OwnRabbit } from './own-rabbitmq.js';
import { settle, startAgencies, submitStream } from './scenario.js';

const rabbit = new OwnRabbit(5700 + (process.pid % 100), 15700 + (process.pid % 100));
let hub: TestHub;

beforeAll(async () => {
  await rabbit.start();
  hub = await createTestHub({
    env: {
      AMQP_URL: rabbit.amqpUrl,
      RABBITMQ_MANAGEMENT_URL: rabbit.managementUrl,
      RATE_LIMIT_PER_SECOND: '100000',
    },
  });
}, 180_000);
afterAll(async () => {
  await hub?.close().catch(() => {});
  rabbit.destroy();
}, 120_000);

describe('RabbitMQ stopped and started under a stream of referrals', () => {
  it('keeps taking referrals, reconnects by itself, and loses nothing', async () => {
    const agencies = await startAgencies(hub);
    const first = await submitStream(hub, 60, 10);
    const during: string[] = [];
    const bounced = rabbit.bounce(3000);
    // The gateway keeps answering while the broker is down: transfers wait in the outbox.
    during.push(...(await submitStream(hub, 20, 50)));
    await bounced;
    await agencies.reconnect();
    const second = await submitStream(hub, 60, 10);
    const ids = [...first, ...during, ...second];
    const figures = await settle(hub, 'RabbitMQ stop_app and start_app', ids, agencies);
    await agencies.close();
    expect(during).toHaveLength(20);
    expect(figures.lost).toBe(0);
    expect(figures.delivered).toBe(figures.sent);
    expect(figures.chainsVerified).toBe(`${figures.sent}/${figures.sent}`);
  });
});
