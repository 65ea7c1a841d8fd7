import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigSchema } from '../../schemas/config.js';

const root = new URL('../../', import.meta.url);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      command?: string[];
      environment?: Record<string, string>;
      healthcheck?: { test: string[] };
      depends_on?: Record<string, { condition: string }>;
    }
  >;
};
const APP_SERVICES = ['migrate', 'gateway', 'workers'];

describe('docker-compose.yml', () => {
  it('names PostgreSQL, RabbitMQ, the migration, the gateway and the workers', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'gateway',
      'migrate',
      'postgres',
      'rabbitmq',
      'workers',
    ]);
  });

  it('gives every long-running service a health check and waits for healthy services and the migration', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (name !== 'migrate') expect(service.healthcheck?.test, name).toBeDefined();
    }
    expect(compose.services.gateway?.healthcheck?.test.join(' ')).toContain('/readyz');
    // The workers have no gateway: their own health server, on the port their configuration gives it.
    const workers = compose.services.workers;
    const workersPort = ConfigSchema.parse(workers?.environment ?? {}).WORKERS_HEALTH_PORT;
    expect(workers?.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${workersPort}/readyz`);
    for (const name of ['gateway', 'workers']) {
      expect(compose.services[name]?.depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        rabbitmq: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
  });

  it('sets only variables the configuration knows, with values it accepts, pointing at the compose services', () => {
    for (const name of APP_SERVICES) {
      const env = compose.services[name]?.environment ?? {};
      for (const key of Object.keys(env))
        expect(Object.keys(ConfigSchema.shape), `${name}: ${key}`).toContain(key);
      expect(ConfigSchema.safeParse(env).success, name).toBe(true);
      expect(new URL(env.DATABASE_URL ?? '').hostname).toBe('postgres');
      expect(new URL(env.AMQP_URL ?? '').hostname).toBe('rabbitmq');
      expect(new URL(env.RABBITMQ_MANAGEMENT_URL ?? '').hostname).toBe('rabbitmq');
    }
    expect(compose.services.gateway?.environment?.HOST).toBe('0.0.0.0');
  });

  it('runs files that exist in the repository', () => {
    for (const name of APP_SERVICES) {
      const file = compose.services[name]?.command?.find((part) => part.endsWith('.ts'));
      expect(file && existsSync(new URL(file, root)), `${name}: ${file}`).toBe(true);
    }
    expect(readFileSync(new URL('Dockerfile', root), 'utf8')).toMatch(/^CMD \[/m);
  });
});
