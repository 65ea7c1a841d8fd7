import { directoryIsEmpty, issueApiKey, upsertAgency } from '../db/agencies.js';
import type { Db } from '../db/connection.js';
import { DEMO_AGENCIES } from '../db/demo-region.js';
import type { Config } from '../schemas/config.js';
import { agencyGrant, provisionAmqpUser, vhostOf } from '../workers/provision.js';

export type SeededAgency = {
  code: string;
  name: string;
  kind: string;
  apiKey: string;
  amqp?: { user: string; password: string };
};

/** Seeds the demo region when the directory is empty; returns what it created (keys shown once). */
export async function seedDemoIfEmpty(db: Db, config: Config): Promise<SeededAgency[]> {
  if (!(await directoryIsEmpty(db))) return [];
  const seeded: SeededAgency[] = [];
  for (const agency of DEMO_AGENCIES) {
    let amqp: SeededAgency['amqp'];
    if (agency.delivery === 'amqp') {
      try {
        const grant = await provisionAmqpUser(
          config.RABBITMQ_MANAGEMENT_URL,
          agencyGrant(config.AMQP_PREFIX, agency.code, vhostOf(config.AMQP_URL)),
        );
        amqp = { user: grant.user, password: grant.password };
      } catch (error) {
        console.warn(`could not create a RabbitMQ user for ${agency.code}: ${(error as Error).message}`);
      }
    }
    await upsertAgency(db, agency, amqp?.user ?? null);
    const { key } = await issueApiKey(db, agency.code);
    seeded.push({
      code: agency.code,
      name: agency.name,
      kind: agency.kind,
      apiKey: key,
      ...(amqp ? { amqp } : {}),
    });
  }
  return seeded;
}

export function printSeeded(seeded: SeededAgency[]): void {
  if (seeded.length === 0) return;
  console.log('\nDemo region 500156 seeded. API keys (shown once; store them now):\n');
  for (const s of seeded) {
    console.log(`  ${s.code.padEnd(20)} ${s.kind.padEnd(15)} ${s.apiKey}`);
    if (s.amqp)
      console.log(`  ${''.padEnd(20)} ${'amqp'.padEnd(15)} user=${s.amqp.user} password=${s.amqp.password}`);
  }
  console.log('');
}
