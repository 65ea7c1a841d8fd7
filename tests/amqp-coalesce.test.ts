import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { describe, expect, inject, it } from 'vitest';
import { createLogger } from '../runtime/logger.js';
import { coalesceWrites, isCoalesced } from '../workers/coalesce-writes.js';
import { AmqpSession } from '../workers/connection.js';

type Socket = {
  _write(...args: unknown[]): void;
  _writev(chunks: unknown[], callback: unknown): void;
};

/**
 * Publishes `n` messages of `size` bytes in one turn of the event loop on a connection (coalesced or not)
 * and counts the socket's writes: `_write` is one system call per chunk, `_writev` one for all it holds.
 * The messages go to a queue of this test's own, which is then read back whole.
 */
async function publishBurst(coalesce: boolean, n: number, size: number) {
  const connection = await amqp.connect(inject('services').amqpUrl);
  const applied = coalesce ? coalesceWrites(connection) : false;
  const socket = (connection as unknown as { connection: { stream: Socket } }).connection.stream;
  const counts = { write: 0, writev: 0, chunksInWritev: 0 };
  const write = socket._write.bind(socket);
  const writev = socket._writev.bind(socket);
  socket._write = (...args) => {
    counts.write++;
    write(...args);
  };
  socket._writev = (chunks, callback) => {
    counts.writev++;
    counts.chunksInWritev += chunks.length;
    writev(chunks, callback);
  };
  const channel = await connection.createConfirmChannel();
  const queue = `coalesce-test.${randomBytes(4).toString('hex')}`;
  await channel.assertQueue(queue, { exclusive: true });
  Object.assign(counts, { write: 0, writev: 0, chunksInWritev: 0 });
  const bodies = Array.from({ length: n }, (_, i) => Buffer.alloc(size, String(i % 10)));
  for (const [i, body] of bodies.entries()) channel.publish('', queue, body, { messageId: String(i) });
  // amqplib's multiplexer writes in the next turn (setImmediate): by the one after, the burst has left
  // (or waits only on the kernel's buffer), not on a cork held over.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  const leftInTurn = counts.write + counts.chunksInWritev;
  await channel.waitForConfirms();
  const burst = { ...counts, leftInTurn };
  const received: string[] = [];
  for (let m = await channel.get(queue, { noAck: true }); m; m = await channel.get(queue, { noAck: true }))
    received.push(m.content.toString());
  await connection.close();
  return { applied, burst, received, bodies: bodies.map(String) };
}

describe('amqp writes coalesced per turn of the event loop', () => {
  it('finds amqplib internals it relies on, and writes a burst of publishes in one system call', async () => {
    // 40 messages over 2 KB each: amqplib makes two chunks of each (header frames, body frame).
    const plain = await publishBurst(false, 40, 3000);
    const coalesced = await publishBurst(true, 40, 3000);
    expect(coalesced.applied).toBe(true);
    // Without: a write per chunk (the socket queues some once the kernel's buffer is full).
    expect(plain.burst.write + plain.burst.writev).toBeGreaterThan(20);
    // With: the whole burst leaves in a few writevs (a 16 KB high-water mark makes the multiplexer pause).
    expect(coalesced.burst.write).toBe(0);
    expect(coalesced.burst.writev).toBeLessThanOrEqual(10);
    expect(coalesced.burst.chunksInWritev).toBeGreaterThanOrEqual(80);
    expect(coalesced.burst.leftInTurn).toBeGreaterThan(0);
    expect(plain.burst.leftInTurn).toBeGreaterThan(0);
    // Nothing lost, nothing reordered.
    expect(coalesced.received).toEqual(coalesced.bodies);
    expect(plain.received).toEqual(plain.bodies);
  });

  it("is how the hub's sessions open their connections (each attempt of the connect loop)", async () => {
    const opened: amqp.ChannelModel[] = [];
    const session = new AmqpSession(inject('services').amqpUrl, createLogger('silent'), async (c) => {
      opened.push(c);
    });
    await session.start();
    expect(opened).toHaveLength(1);
    expect(isCoalesced(opened[0] as amqp.ChannelModel)).toBe(true);
    await session.close();
  });
});
