import { randomBytes } from 'node:crypto';
import { hubTopology, inboxQueue } from '../schemas/amqp-topology.js';

/**
 * Per-agency RabbitMQ users through the management API. An agency user may only publish to the hub's
 * command exchange and only read its own inbox queue; RabbitMQ validates the `user_id` property of what it
 * publishes against its login, so no agency can speak for another.
 */
export type AmqpGrant = { user: string; password: string; vhost: string; read: string; write: string };

const escapeRegex = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function agencyGrant(prefix: string, agencyCode: string, vhost = '/'): Omit<AmqpGrant, 'password'> {
  return {
    user: `${prefix}agency.${agencyCode}`,
    vhost,
    // The delivery limit does not change the names.
    write: `^${escapeRegex(hubTopology(prefix, 1).names.commands)}$`,
    read: `^${escapeRegex(inboxQueue(prefix, agencyCode, 1).name)}$`,
  };
}

export async function provisionAmqpUser(
  managementUrl: string,
  grant: Omit<AmqpGrant, 'password'>,
): Promise<AmqpGrant> {
  const password = randomBytes(18).toString('base64url');
  await management(managementUrl, 'PUT', `/api/users/${encodeURIComponent(grant.user)}`, {
    password,
    tags: '',
  });
  await management(
    managementUrl,
    'PUT',
    `/api/permissions/${encodeURIComponent(grant.vhost)}/${encodeURIComponent(grant.user)}`,
    { configure: '^$', write: grant.write, read: grant.read },
  );
  return { ...grant, password };
}

export async function deleteAmqpUser(managementUrl: string, user: string): Promise<void> {
  await management(managementUrl, 'DELETE', `/api/users/${encodeURIComponent(user)}`, undefined, [404]);
}

export function vhostOf(amqpUrl: string): string {
  const path = new URL(firstUrl(amqpUrl)).pathname;
  return path.length > 1 ? decodeURIComponent(path.slice(1)) : '/';
}

export async function management(
  managementUrl: string,
  method: string,
  path: string,
  body?: unknown,
  okStatuses: number[] = [],
): Promise<unknown> {
  const url = new URL(managementUrl);
  const auth = Buffer.from(
    `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
  ).toString('base64');
  url.username = '';
  url.password = '';
  const target = new URL(path, url);
  const init = {
    method,
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
  let response: Response;
  try {
    response = await fetch(target, init);
  } catch (error) {
    // fetch says only "fetch failed"; its cause (ECONNREFUSED, a DNS failure) and what to do are worth more.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (!cause) throw error;
    throw new Error(
      `RabbitMQ's management API at ${url.origin} does not answer (${cause.code ?? cause.message}): ` +
        'the hub provisions RabbitMQ users through it — enable the rabbitmq_management plugin ' +
        '(rabbitmq-plugins enable rabbitmq_management) or set RABBITMQ_MANAGEMENT_URL',
      { cause: error },
    );
  }
  if (!response.ok && !okStatuses.includes(response.status)) {
    throw new Error(`RabbitMQ management ${method} ${path}: ${response.status} ${await response.text()}`);
  }
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** The first address of an AMQP_URL that may list a cluster's nodes. */
export function firstUrl(amqpUrl: string): string {
  return amqpUrl.split(',')[0]?.trim() ?? amqpUrl;
}
