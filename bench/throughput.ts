import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { exportPrivateKey, exportPublicKey, generateKeyPair } from '../crypto/keys.js';
import { countEvents } from '../db/ledger.js';
import { addSigningKey, setSignatureMode } from '../db/signing-keys.js';
import type { SignatureAlg } from '../schemas/signature.js';
import { type BenchHub, REGION, startBenchHub, stopChild } from './bench-hub.js';
import { type CpuReport, cpuWindow } from './cpu.js';
import type { LoadResult, LoadSetup } from './load.js';
import { percentiles } from './percentiles.js';

export type ThroughputArgs = {
  mode: 'delivery' | 'round-trip';
  durationSeconds: number;
  warmupSeconds: number;
  clients: number;
  rate?: number;
  /** Issue 15: the region requires signatures and every command is signed (SM2, or `signingAlg`). */
  signed?: boolean;
  signingAlg?: SignatureAlg;
};

export type ThroughputResult = {
  mode: string;
  signed: boolean;
  signingAlg?: SignatureAlg;
  clients: number;
  durationSeconds: number;
  referralsPerSecond: number;
  submitToDeliveredMs: ReturnType<typeof percentiles>;
  /** To the hub's 201 (the command written): the HTTP part of the latency. */
  submitToAnsweredMs: ReturnType<typeof percentiles>;
  submitToReceiptMs?: ReturnType<typeof percentiles>;
  cpuMsPerReferral: number;
  cpuMsPerReferralBy: Record<string, number>;
  machineBusyPct: number;
  /**
   * The hub's event loop (the bench's process, where the hub runs): its thread's CPU per referral, and the
   * share of the window it was busy. Near 1, the loop bounds throughput; the rest of the hub's CPU is its
   * GC and worker threads.
   */
  hubMainThreadMsPerReferral: number;
  hubEventLoopUtilization: number;
  submitted: number;
  lost: number;
  duplicates: number;
  duplicateEffects: number;
  failedSubmits: number;
  /** `--signed`: submissions the load generator had to sign during the run (not signed beforehand). */
  signedDuringLoad?: number;
  /** The first refused submission's status and answer (a bench that is refused measures the refusals). */
  firstFailure?: string;
  meanCommandBatch: number;
  meanRelayBatch: number;
  /** Round trips to PostgreSQL (client query calls: command path, relay, intake, watchers) per referral. */
  databaseRoundTripsPerReferral: number;
};

/** Registers an SM2 key for the referring agency and the police, and requires signatures in the region. */
async function requireSignatures(
  bench: BenchHub,
  alg: SignatureAlg,
): Promise<{ enf: string; police: string }> {
  const keyFor = async (agency: string) => {
    const key = generateKeyPair(alg);
    await addSigningKey(bench.hub.db, {
      agency,
      publicKeyPem: exportPublicKey(key.publicKey),
      validFrom: new Date(Date.now() - 60_000),
      validUntil: null,
    });
    return exportPrivateKey(key);
  };
  const keys = { enf: await keyFor('bench-enf'), police: await keyFor('bench-police') };
  await setSignatureMode(bench.hub.db, REGION, 'required');
  bench.hub.commands.keys.invalidate();
  return keys;
}

/** Counts the hub's PostgreSQL round trips (it runs in this process): every pg client query call. */
function countRoundTrips(): { read(): number } {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let calls = 0;
  proto.query = function query(this: unknown, ...args: unknown[]) {
    calls++;
    return original.apply(this, args);
  };
  return { read: () => calls };
}

/**
 * `--mode delivery`: the same work as the reference pipeline — C clients submit criminal transfers for a
 * fixed time, the police system consumes its inbox and acks, the procuratorate's copy is consumed too.
 * `--mode round-trip`: the police also answer each transfer with a receipt over AMQP, and the referring
 * agency's system gets the receipt notice. Figures are taken over the window after the warm-up: referrals
 * whose police delivery (round trip: receipt notice) fell in it, per second; latency of those submitted in
 * it; whole-machine CPU over it per referral.
 */
export async function runThroughput(args: ThroughputArgs): Promise<ThroughputResult> {
  const bench = await startBenchHub();
  let generator: ChildProcess | undefined;
  try {
    const signingKeys = args.signed ? await requireSignatures(bench, args.signingAlg ?? 'sm2') : undefined;
    const setup: LoadSetup = {
      baseUrl: bench.baseUrl,
      key: bench.key,
      amqpUrl: bench.amqpUrl,
      prefix: bench.prefix,
      users: bench.users,
      mode: args.mode,
      warmupSeconds: args.warmupSeconds,
      durationSeconds: args.durationSeconds,
      clients: args.clients,
      ...(args.rate ? { rate: args.rate } : {}),
      // Enough for the whole run at well above the rates seen here (agencies sign on their own machines).
      ...(signingKeys
        ? { signingKeys, presign: Math.ceil((args.warmupSeconds + args.durationSeconds) * 3000) }
        : {}),
    };
    const load = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('./load.ts', import.meta.url).pathname, JSON.stringify(setup)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    generator = load;
    const roundTrips = countRoundTrips();
    let tripsAtStart = 0;
    let trips = 0;
    let endWindow: (() => CpuReport) | undefined;
    let cpu: CpuReport | undefined;
    let window = { from: 0, to: 0 };
    let result: LoadResult | undefined;
    for await (const line of createInterface({ input: load.stdout })) {
      const [tag, rest] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
      if (tag === 'WINDOW_START') {
        window.from = Number(rest);
        tripsAtStart = roundTrips.read();
        endWindow = cpuWindow({ hub: process.pid, load: load.pid ?? -1 });
      } else if (tag === 'WINDOW_END') {
        window = { ...window, to: Number(rest) };
        cpu = endWindow?.();
        trips = roundTrips.read() - tripsAtStart;
      } else if (tag === 'RESULT') result = JSON.parse(rest) as LoadResult;
    }
    if (!result || !cpu) throw new Error('the load generator ended without a result');
    const done = args.mode === 'round-trip' ? result.receipted : result.delivered;
    const inWindow = Object.values(done).filter((t) => t >= window.from && t < window.to).length;
    const seconds = (window.to - window.from) / 1000;
    const submittedInWindow = Object.entries(result.submitted).filter(
      ([, t]) => t >= window.from && t < window.to,
    );
    const latency = (arrived: Record<string, number>) =>
      percentiles(submittedInWindow.flatMap(([id, t]) => (arrived[id] ? [arrived[id] - t] : [])));
    const submitted = Object.keys(result.submitted);
    if (submitted.length === 0) {
      throw new Error(
        `no submission was accepted (${result.failedSubmits} refused; first: ${result.firstFailure})`,
      );
    }
    const perReferral = (seconds: number) =>
      Math.round((seconds * 1000 * 1000) / Math.max(1, inWindow)) / 1000;
    const stored = await countEvents(bench.hub.db, { event: 'submitted' });
    const mean = async (name: string) => {
      const metric = await bench.hub.metrics.registry.getSingleMetric(name)?.get();
      const values = (metric?.values ?? []) as { metricName?: string; value: number }[];
      const sum = values.find((v) => v.metricName === `${name}_sum`)?.value ?? 0;
      const count = values.find((v) => v.metricName === `${name}_count`)?.value ?? 0;
      return Math.round((sum / Math.max(1, count)) * 10) / 10;
    };
    return {
      mode: args.mode,
      signed: args.signed ?? false,
      ...(args.signed ? { signingAlg: args.signingAlg ?? 'sm2' } : {}),
      clients: args.clients,
      durationSeconds: Math.round(seconds * 100) / 100,
      referralsPerSecond: Math.round(inWindow / seconds),
      submitToDeliveredMs: latency(result.delivered),
      submitToAnsweredMs: latency(result.answered),
      ...(args.mode === 'round-trip' ? { submitToReceiptMs: latency(result.receipted) } : {}),
      cpuMsPerReferral: perReferral(cpu.machineCpuSeconds),
      cpuMsPerReferralBy: Object.fromEntries(
        Object.entries(cpu.byGroup)
          .filter(([, s]) => s > 0)
          .map(([group, s]) => [group, perReferral(s)]),
      ),
      machineBusyPct: cpu.machineBusyPct,
      hubMainThreadMsPerReferral: perReferral(cpu.mainThreadCpuSeconds),
      hubEventLoopUtilization: cpu.eventLoopUtilization,
      submitted: submitted.length,
      lost: submitted.filter((id) => !done[id]).length,
      duplicates: result.duplicates,
      duplicateEffects: stored - submitted.length,
      failedSubmits: result.failedSubmits,
      ...(args.signed ? { signedDuringLoad: result.signedDuringLoad } : {}),
      ...(result.firstFailure ? { firstFailure: result.firstFailure } : {}),
      meanCommandBatch: await mean('hub_command_batch_size'),
      meanRelayBatch: await mean('hub_relay_batch_size'),
      databaseRoundTripsPerReferral: Math.round((trips / Math.max(1, inWindow)) * 100) / 100,
    };
  } finally {
    // A run that failed half-way does not leave its load generator submitting to a hub that is gone.
    await stopChild(generator);
    await bench.close();
  }
}
