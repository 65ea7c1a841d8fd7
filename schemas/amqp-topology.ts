/**
 * The hub's RabbitMQ topology as data, a function of a name prefix (Rascal's habit). It lives in schemas/
 * (no amqplib here) so that the workers that declare it and the AsyncAPI document that describes it read
 * the same names and arguments:
 * - `<p>hub` (direct): hub → agency inboxes, routing key = agency code → quorum queue `<p>inbox.<code>`;
 * - `<p>hub.commands` (fanout): agency → hub, into quorum queue `<p>hub.inbound`;
 * - `<p>hub.dlx` (fanout): dead letters with their reason in headers, into `<p>hub.dead`.
 */

export type QueueArguments = Record<string, string | number>;
export type ExchangeSpec = {
  name: string;
  type: 'direct' | 'fanout' | 'topic';
  options: { durable: boolean };
};
export type QueueSpec = { name: string; options: { durable: boolean; arguments: QueueArguments } };
export type BindingSpec = { queue: string; exchange: string; routingKey: string };
export type Topology = {
  exchanges: ExchangeSpec[];
  queues: QueueSpec[];
  bindings: BindingSpec[];
  names: { hub: string; commands: string; dlx: string; inbound: string; dead: string };
};

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

function quorumQueue(dlx: string, deliveryLimit: number): QueueSpec['options'] {
  return {
    durable: true,
    arguments: { 'x-queue-type': 'quorum', 'x-dead-letter-exchange': dlx, 'x-delivery-limit': deliveryLimit },
  };
}
