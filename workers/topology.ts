import type { Channel, Options } from 'amqplib';

export type ExchangeSpec = {
  name: string;
  type: 'direct' | 'fanout' | 'topic';
  options: Options.AssertExchange;
};
export type QueueSpec = { name: string; options: Options.AssertQueue };
export type BindingSpec = { queue: string; exchange: string; routingKey: string };
export type Topology = {
  exchanges: ExchangeSpec[];
  queues: QueueSpec[];
  bindings: BindingSpec[];
  names: { hub: string; commands: string; dlx: string; inbound: string; dead: string };
};

/**
 * The hub's topology as data, a function of a name prefix (Rascal's habit):
 * - `<p>hub` (direct): hub → agency inboxes, routing key = agency code → quorum queue `<p>inbox.<code>`;
 * - `<p>hub.commands` (fanout): agency → hub, into quorum queue `<p>hub.inbound`;
 * - `<p>hub.dlx` (fanout): dead letters with their reason in headers, into `<p>hub.dead`.
 */
export function hubTopology(prefix: string, deliveryLimit: number): Topology {
  const names = {
    hub: `${prefix}hub`,
    commands: `${prefix}hub.commands`,
    dlx: `${prefix}hub.dlx`,
    inbound: `${prefix}hub.inbound`,
    dead: `${prefix}hub.dead`,
  };
  return {
    names,
    exchanges: [
      { name: names.hub, type: 'direct', options: { durable: true } },
      { name: names.commands, type: 'fanout', options: { durable: true } },
      { name: names.dlx, type: 'fanout', options: { durable: true } },
    ],
    queues: [
      { name: names.inbound, options: quorumQueue(names.dlx, deliveryLimit) },
      { name: names.dead, options: { durable: true, arguments: { 'x-queue-type': 'quorum' } } },
    ],
    bindings: [
      { queue: names.inbound, exchange: names.commands, routingKey: '' },
      { queue: names.dead, exchange: names.dlx, routingKey: '' },
    ],
  };
}

export function inboxQueue(
  prefix: string,
  agencyCode: string,
  deliveryLimit: number,
): QueueSpec & BindingSpec {
  const name = `${prefix}inbox.${agencyCode}`;
  return {
    name,
    queue: name,
    exchange: `${prefix}hub`,
    routingKey: agencyCode,
    options: quorumQueue(`${prefix}hub.dlx`, deliveryLimit),
  };
}

function quorumQueue(dlx: string, deliveryLimit: number): Options.AssertQueue {
  return {
    durable: true,
    arguments: { 'x-queue-type': 'quorum', 'x-dead-letter-exchange': dlx, 'x-delivery-limit': deliveryLimit },
  };
}

export async function declareTopology(ch: Channel, topology: Topology): Promise<void> {
  for (const e of topology.exchanges) await ch.assertExchange(e.name, e.type, e.options);
  for (const q of topology.queues) await ch.assertQueue(q.name, q.options);
  for (const b of topology.bindings) await ch.bindQueue(b.queue, b.exchange, b.routingKey);
}

export async function declareInbox(ch: Channel, spec: QueueSpec & BindingSpec): Promise<void> {
  await ch.assertQueue(spec.name, spec.options);
  await ch.bindQueue(spec.queue, spec.exchange, spec.routingKey);
}
