import type { ConsumeMessage, GetMessage } from 'amqplib';
import type { HubError } from '../schemas/errors.js';

/**
 * The headers a dead letter carries: why (code, human reason, details), who sent it, from where and when.
 * RabbitMQ's own `x-death` stays; a message the queue dead-lettered by its delivery limit has no x-hub-*
 * headers, and `hub dlq list` reads the same facts from the envelope and the hub's failure record instead.
 */
export function deadLetterHeaders(
  msg: ConsumeMessage,
  error: HubError,
  sender: string | null,
  sourceQueue: string,
): Record<string, unknown> {
  // The publisher's own headers stay, but none it named x-hub-*: those are the hub's word (replay acts as
  // the agency x-hub-user-id names), and a publisher could otherwise name another agency's user there.
  const kept = Object.entries(msg.properties.headers ?? {}).filter(([name]) => !name.startsWith('x-hub-'));
  return {
    ...Object.fromEntries(kept),
    'x-hub-user-id': msg.properties.userId ?? null,
    'x-hub-reason-code': error.code,
    'x-hub-reason': error.message,
    'x-hub-details': JSON.stringify(error.details ?? {}),
    'x-hub-sender': sender,
    'x-hub-source-queue': sourceQueue,
    'x-hub-dead-lettered-at': new Date().toISOString(),
  };
}

export function headerOf(m: GetMessage | ConsumeMessage, name: string): string | null {
  const v = m.properties.headers?.[name];
  return v === undefined || v === null ? null : String(v);
}
