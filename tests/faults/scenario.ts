import { sql } from 'kysely';
import { verifyChain } from '../../db/ledger.js';
import { actionCommand } from '../helpers/commands.js';
import { criminalTransfer } from '../helpers/fixtures.js';
import type { Received, TestHub } from '../helpers/test-hub.js';
import { waitFor } from '../helpers/wait.js';

export type Figures = {
  scenario: string;
  sent: number;
  delivered: number;
  duplicatesSuppressed: number;
  lost: number;
  chainsVerified: string;
};

/**
 * Agency systems that carry each referral through five steps: submit (HTTP) → receipt (police, AMQP) →
 * brief to the police (agency, AMQP) → file (police, AMQP) → hand over goods (agency, AMQP). Each side
 * drops a message id it has seen already (the duplicates at-least-once delivery brings).
 */
export async function startAgencies(hub: TestHub) {
  const seen = new Set<string>();
  let duplicates = 0;
  const delivered = new Set<string>();
  const command = (sender: string, referralId: string, payload: unknown) =>
    actionCommand(sender, referralId, payload, { correlationId: referralId });
  const react = (agency: string, handle: (r: Received) => unknown) => async (r: Received) => {
    if (seen.has(r.envelope.messageId)) {
      duplicates++;
      return;
    }
    const reply = handle(r);
    // Seen only once answered: if the broker is down the answer fails, the message is not acked, and its
    // redelivery is handled again (as a real agency system would).
    if (reply) await hub.sendCommand(agency, reply);
    seen.add(r.envelope.messageId);
  };
  const police = react('pol-a', (r) => {
    if (r.envelope.type === 'referral.submitted') {
      delivered.add(r.envelope.referralId);
      return command('pol-a', r.envelope.referralId, { action: 'receipt' });
    }
    if (r.envelope.type === 'briefing.sent')
      return command('pol-a', r.envelope.referralId, { action: 'file' });
    return undefined;
  });
  const agency = react('enf-a', (r) => {
    if (r.envelope.type === 'referral.receipted') {
      return command('enf-a', r.envelope.referralId, {
        action: 'brief',
        recipients: ['pol-a'],
        subject: '补充情况',
        body: '现场照片已补充',
      });
    }
    if (r.envelope.type === 'referral.filed') {
      return command('enf-a', r.envelope.referralId, {
        action: 'hand_over_goods',
        items: [{ description: '白酒' }],
      });
    }
    return undefined;
  });
  let consumers = [await hub.consumeInbox('pol-a', police), await hub.consumeInbox('enf-a', agency)];
  return {
    delivered,
    duplicates: () => duplicates,
    /** After a broker restart: the agency systems connect again (what they had seen, they remember). */
    async reconnect() {
      await Promise.all(consumers.map((c) => c.close()));
      consumers = [await hub.consumeInbox('pol-a', police), await hub.consumeInbox('enf-a', agency)];
    },
    close: () => Promise.all(consumers.map((c) => c.close())),
  };
}

export async function submitStream(hub: TestHub, n: number, pauseMs = 5): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    for (;;) {
      const r = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
      if (r.status === 201) {
        ids.push(r.body.id);
        break;
      }
      // 503 while a backing service is down: retry after what the hub asks.
      await new Promise((resolve) => setTimeout(resolve, 1000 * Number(r.headers['retry-after'] ?? 1)));
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return ids;
}

/** Waits for every referral to reach goods_handed_over, then verifies every chain and counts. */
export async function settle(
  hub: TestHub,
  scenario: string,
  ids: string[],
  agencies: Awaited<ReturnType<typeof startAgencies>>,
  timeoutMs = 120_000,
): Promise<Figures> {
  await waitFor(
    async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM referrals WHERE id = ANY(${ids}::uuid[]) AND state = 'goods_handed_over'`.execute(
        hub.db,
      );
      return rows[0]?.n === ids.length;
    },
    `${scenario}: every referral at goods_handed_over`,
    timeoutMs,
  ).catch(() => undefined);
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM referrals WHERE id = ANY(${ids}::uuid[]) AND state = 'goods_handed_over'`.execute(
    hub.db,
  );
  let verified = 0;
  for (const id of ids) if ((await verifyChain(hub.db, id))?.valid) verified++;
  const figures: Figures = {
    scenario,
    sent: ids.length,
    delivered: ids.filter((id) => agencies.delivered.has(id)).length,
    duplicatesSuppressed: agencies.duplicates(),
    lost: ids.length - (rows[0]?.n ?? 0),
    chainsVerified: `${verified}/${ids.length}`,
  };
  console.log(`FAULTS ${JSON.stringify(figures)}`);
  return figures;
}
