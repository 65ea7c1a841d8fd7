import amqp from 'amqplib';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../../db/connection.js';
import { adminQuery, LOCAL_DEFAULTS, type Services, withDatabase } from './services.js';

const TEMPLATE = `hub_test_template_${process.pid}`;

/**
 * Finds PostgreSQL and RabbitMQ: DATABASE_URL / AMQP_URL when set; else testcontainers when a container
 * runtime answers; else the local defaults. It never skips: unreachable services fail the run, saying so.
 * Then it migrates one template database that every test file clones.
 */
export default async function setup(project: TestProject) {
  const stops: (() => Promise<unknown>)[] = [];
  let urls = {
    databaseUrl: process.env.DATABASE_URL ?? LOCAL_DEFAULTS.databaseUrl,
    amqpUrl: process.env.AMQP_URL ?? LOCAL_DEFAULTS.amqpUrl,
    managementUrl: process.env.RABBITMQ_MANAGEMENT_URL ?? LOCAL_DEFAULTS.managementUrl,
  };
  if (!process.env.DATABASE_URL && !process.env.AMQP_URL && (await containerRuntimeAnswers())) {
    const started = await startContainers();
    urls = started.urls;
    stops.push(started.stop);
  }
  await checkReachable(urls);
  await adminQuery(urls.databaseUrl, `DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
  await adminQuery(urls.databaseUrl, `CREATE DATABASE ${TEMPLATE}`);
  const db = new Kysely<any>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: withDatabase(urls.databaseUrl, TEMPLATE) }),
    }),
  });
  await migrateToLatest(db);
  await db.destroy();
  const services: Services = { ...urls, templateDb: TEMPLATE };
  project.provide('services', services);
  return async () => {
    await adminQuery(urls.databaseUrl, `DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
    for (const stop of stops) await stop();
  };
}

async function containerRuntimeAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function startContainers() {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const { RabbitMQContainer } = await import('@testcontainers/rabbitmq');
  const [postgres, rabbit] = await Promise.all([
    new PostgreSqlContainer('postgres:15-alpine').withUsername('postgres').withPassword('postgres').start(),
    new RabbitMQContainer('rabbitmq:3.13-management').start(),
  ]);
  const host = rabbit.getHost();
  return {
    urls: {
      databaseUrl: postgres.getConnectionUri(),
      amqpUrl: rabbit.getAmqpUrl(),
      managementUrl: `http://guest:guest@${host}:${rabbit.getMappedPort(15672)}`,
    },
    stop: () => Promise.all([postgres.stop(), rabbit.stop()]),
  };
}

async function checkReachable(urls: { databaseUrl: string; amqpUrl: string; managementUrl: string }) {
  try {
    await adminQuery(urls.databaseUrl, 'SELECT 1');
  } catch (error) {
    throw new Error(`tests need PostgreSQL at ${urls.databaseUrl}: ${(error as Error).message}`);
  }
  try {
    const connection = await amqp.connect(urls.amqpUrl);
    await connection.close();
  } catch (error) {
    throw new Error(`tests need RabbitMQ at ${urls.amqpUrl}: ${(error as Error).message}`);
  }
  const management = new URL(urls.managementUrl);
  const auth = Buffer.from(`${management.username}:${management.password}`).toString('base64');
  management.username = '';
  management.password = '';
  const response = await fetch(new URL('/api/whoami', management), {
    headers: { authorization: `Basic ${auth}` },
  }).catch((error: Error) => error);
  if (response instanceof Error || !response.ok) {
    throw new Error(
      `tests need the RabbitMQ management API at ${management} (rabbitmq-plugins enable rabbitmq_management)`,
    );
  }
}
