import pg from 'pg';

export type Percentiles = { p50: number; p95: number; p99: number; max: number };

/** Nearest-rank percentiles in ms, one decimal. */
export function summarize(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => {
    if (sorted.length === 0) return Number.NaN;
    const value = sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
    return Math.round(value * 10) / 10;
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

/** For each id with a start time and an end time, end − start. */
export function measureSpans(starts: Map<string, number>, ends: Map<string, number>): number[] {
  const spans: number[] = [];
  for (const [id, start] of starts) {
    const end = ends.get(id);
    if (end !== undefined) spans.push(end - start);
  }
  return spans;
}

export type ReceiptWatch = {
  /** Epoch ms of each referral's `receipted` ledger event (recorded_at, the database's clock). */
  receiptedAt: Map<string, number>;
  /** Resolves true once `ids` are all receipted, false when `timeoutMs` passes first. */
  waitForAll(ids: Iterable<string>, timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
};

// recorded_at is now() at the transaction's start, so rows commit out of its order: re-read a trailing window.
const TRAILING_MS = 2000;
const POLL_MS = 20;

/** Polls ledger_events on a connection of its own (not the hub's pool) for new `receipted` events. */
export async function watchReceipts(databaseUrl: string): Promise<ReceiptWatch> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const receiptedAt = new Map<string, number>();
  let since = 0;
  let running = true;
  let failure: Error | undefined;
  const poll = async () => {
    const { rows } = await client.query<{ referral_id: string; ms: number }>(
      `SELECT referral_id, extract(epoch FROM recorded_at) * 1000 AS ms FROM ledger_events
       WHERE event = 'receipted' AND recorded_at > to_timestamp($1::float8 / 1000)`,
      [since],
    );
    let newest = since + TRAILING_MS;
    for (const row of rows) {
      const ms = Number(row.ms);
      if (!receiptedAt.has(row.referral_id)) receiptedAt.set(row.referral_id, ms);
      newest = Math.max(newest, ms);
    }
    since = Math.max(since, newest - TRAILING_MS);
  };
  const loop = (async () => {
    while (running) {
      try {
        await poll();
      } catch (error) {
        failure = error as Error;
        running = false;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();
  return {
    receiptedAt,
    async waitForAll(ids, timeoutMs) {
      const wanted = [...ids];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (failure) throw failure;
        if (wanted.every((id) => receiptedAt.has(id))) return true;
        if (Date.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    async stop() {
      running = false;
      await loop;
      await client.end().catch(() => {});
    },
  };
}
