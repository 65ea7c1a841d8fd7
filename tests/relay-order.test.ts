import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayClaim } from '../db/outbox.js';
import { criminalTransfer } from './helpers/fixtures.js';
import { createTestHub, type TestHub, waitFor } from './helpers/test-hub.js';

let hub: TestHub;
beforeAll(async () => {
  // Four lanes, one message a batch: a referral's messages are spread over batches that are out at once.
  hub = await createTestHub({ env: { RELAY_LANES: '4', RELAY_BATCH_SIZE: '1', RELAY_LINGER_MS: '0' } });
});
afterAll(async () => {
  await hub?.close();
});

describe('the relay with several lanes', () => {
  it("delivers each referral's messages to an agency in the order of its ledger, and each once", async () => {
    const agency = await hub.consumeInbox('enf-a');
    // The relay stopped while the steps are taken: every referral's notices wait in the outbox together,
    // and the lanes, started at once, claim them side by side.
    await hub.workers.relay.stop();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const submitted = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
      expect(submitted.status).toBe(201);
      ids.push(submitted.body.id);
    }
    // Each referral's receipt and filing decision right after each other, all referrals at once.
    await Promise.all(
      ids.map(async (id) => {
        for (const action of ['receipt', 'file'] as const) {
          const answer = await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, { action });
          expect(answer.status, `${action} ${id}`).toBe(200);
        }
      }),
    );
    hub.workers.relay.start();
    const seqsOf = (id: string) =>
      agency.received
        .filter((r) => r.envelope.referralId === id)
        .map((r) => r.envelope.payload.seq as number);
    await waitFor(() => ids.every((id) => seqsOf(id).length >= 2), 'two notices per referral', 15_000);
    await agency.close();
    for (const id of ids) {
      const seqs = seqsOf(id);
      expect(seqs, id).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size, id).toBe(seqs.length);
      expect(seqs, id).toEqual(expect.arrayContaining([2, 3]));
    }
  });

  it('lets no lane claim a message while an earlier one to the same agency about the same referral is out', async () => {
    await hub.workers.relay.stop();
    const [x, y] = [
      (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id as string,
      (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id as string,
    ];
    for (const action of ['receipt', 'file'] as const) {
      expect((await hub.request('pol-a', 'POST', `/v1/referrals/${x}/actions`, { action })).status).toBe(200);
    }
    expect(
      (await hub.request('pol-a', 'POST', `/v1/referrals/${y}/actions`, { action: 'receipt' })).status,
    ).toBe(200);
    const toAgency = (rows: { body: string; recipient_code: string }[], id: string) =>
      rows
        .filter((r) => r.recipient_code === 'enf-a' && JSON.parse(r.body).referralId === id)
        .map((r) => JSON.parse(r.body).payload.seq as number);
    const [a, b] = [new RelayClaim(hub.db), new RelayClaim(hub.db)];
    try {
      const first = await a.claim(1000);
      // x's filing notice waits behind its receipt notice; y's receipt notice goes.
      expect(toAgency(first, x)).toEqual([2]);
      expect(toAgency(first, y)).toEqual([2]);
      // While the first lane has the receipt notice out, the second gets nothing of x.
      const second = await b.claim(1000);
      expect(toAgency(second, x)).toEqual([]);
      await b.complete(second.map((r) => r.id));
      await a.complete(first.map((r) => r.id));
      // Recorded as delivered: the filing notice is next.
      expect(toAgency(await b.claim(1000), x)).toEqual([3]);
      await b.abandon();
    } finally {
      a.release();
      b.release();
      hub.workers.relay.start();
    }
  });
});
