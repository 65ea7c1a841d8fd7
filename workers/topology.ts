import type { Channel } from 'amqplib';
import type { BindingSpec, QueueSpec, Topology } from '../schemas/amqp-topology.js';

// The topology itself is data in schemas/ (the AsyncAPI document describes the same names); re-exported so
// that the workers keep one place to import it from.
export { hubTopology, inboxQueue } from '../schemas/amqp-topology.js';

export async function declareTopology(ch: Channel, topology: Topology): Promise<void> {
  for (const e of topology.exchanges) await ch.assertExchange(e.name, e.type, e.options);
  for (const q of topology.queues) await ch.assertQueue(q.name, q.options);
  for (const b of topology.bindings) await ch.bindQueue(b.queue, b.exchange, b.routingKey);
}

export async function declareInbox(ch: Channel, spec: QueueSpec & BindingSpec): Promise<void> {
  await ch.assertQueue(spec.name, spec.options);
  await ch.bindQueue(spec.queue, spec.exchange, spec.routingKey);
}
