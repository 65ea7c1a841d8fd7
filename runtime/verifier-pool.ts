import { Worker } from 'node:worker_threads';
import {
  checkSignature,
  type SignatureCheck,
  type SignatureVerifier,
  SM2_VERIFIER,
} from '../crypto/signatures.js';
import { sm2ZOf } from '../crypto/sm2-native.js';

/**
 * Signature checks on threads of their own (issue 15): an SM2 verification is 0.2–0.4 ms of OpenSSL (where
 * GmSSL's module is not built: with it SM2 stays on the loop, see `check`) or 0.1 ms of Ed25519, and on
 * the event loop it held every other request of the process for that long. Checks that arrive in one turn
 * of the event loop go to a thread as one message; answers come back in the order asked. Only Node's
 * crypto runs there (no module of ours is loaded: the thread's code is the few lines below), so it works
 * alike under tsx, vitest and compiled JavaScript. A thread that dies is replaced; what it held is checked
 * on the main thread instead, so nothing asked is lost. A thread with nothing to do for `idleMs` ends, and
 * no thread keeps the process alive.
 */
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, createVerify, verify } = require('node:crypto');
const keys = new Map();
parentPort.on('message', ({ seq, checks }) => {
  const answers = new Uint8Array(checks.length);
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i];
    try {
      let key = keys.get(c.keyId);
      if (!key) {
        if (keys.size >= 10000) keys.clear();
        key = createPublicKey({ key: Buffer.from(c.spki), format: 'der', type: 'spki' });
        keys.set(c.keyId, key);
      }
      let ok;
      if (c.alg === 'ed25519') ok = verify(null, c.data, key, c.bytes);
      else {
        const verifier = createVerify('sm3');
        verifier.update(c.z);
        verifier.update(c.data);
        ok = verifier.verify(key, c.bytes);
      }
      answers[i] = ok ? 1 : 0;
    } catch {
      answers[i] = 2;
    }
  }
  parentPort.postMessage({ seq, answers });
});
`;

type Answer = boolean | undefined;
type Pending = { check: SignatureCheck; resolve(answer: Answer): void };
type Wire = {
  alg: string;
  keyId: string;
  spki: Uint8Array;
  z?: Uint8Array;
  data: Uint8Array;
  bytes: Uint8Array;
};

class VerifierThread {
  private readonly worker: Worker;
  private readonly sent = new Map<number, Pending[]>();
  private seq = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  ended = false;

  constructor(
    private readonly idleMs: number,
    private readonly onEnd: (thread: VerifierThread, orphans: Pending[]) => void,
  ) {
    this.worker = new Worker(THREAD_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on('message', ({ seq, answers }: { seq: number; answers: Uint8Array }) => {
      const batch = this.sent.get(seq) ?? [];
      this.sent.delete(seq);
      for (const [i, p] of batch.entries()) p.resolve(answers[i] === 2 ? undefined : answers[i] === 1);
      this.armIdle();
    });
    this.worker.on('error', () => this.end());
    this.worker.on('exit', () => this.end());
  }

  get load(): number {
    let n = 0;
    for (const batch of this.sent.values()) n += batch.length;
    return n;
  }

  send(batch: Pending[]): void {
    clearTimeout(this.idleTimer);
    const seq = this.seq++;
    this.sent.set(seq, batch);
    this.worker.postMessage({ seq, checks: batch.map(({ check }) => wire(check)) });
  }

  private armIdle(): void {
    if (this.sent.size > 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.terminate(), this.idleMs);
    this.idleTimer.unref();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idleTimer);
    const orphans = [...this.sent.values()].flat();
    this.sent.clear();
    this.onEnd(this, orphans);
  }

  async terminate(): Promise<void> {
    this.end();
    await this.worker.terminate();
  }

  /** For tests: the thread dies as if it had crashed. */
  crash(): Promise<number> {
    return this.worker.terminate();
  }
}

/**
 * Exact-size copies: a small Buffer is a view of an 8 KB slab, and postMessage copies the whole slab.
 */
const own = (view: Uint8Array) => Uint8Array.prototype.slice.call(view);

function wire({ publicKey, data, bytes }: SignatureCheck): Wire {
  const common = { keyId: publicKey.keyId, spki: own(publicKey.spki), data: own(data), bytes: own(bytes) };
  return publicKey.alg === 'sm2'
    ? { alg: 'sm2', ...common, z: own(sm2ZOf(publicKey)) }
    : { alg: 'ed25519', ...common };
}

export class VerifierPool implements SignatureVerifier {
  private readonly threads: VerifierThread[] = [];
  private queued: Pending[] = [];
  private flushing = false;
  private closed = false;

  /**
   * `size` 0 checks on the calling thread. SM2 goes to a thread only where OpenSSL verifies it
   * (`sm2OnThreads`): GmSSL's module checks one in ~50 µs on the loop, less than the trip to a thread and
   * back (the threads run OpenSSL: the module is not loaded there).
   */
  constructor(
    private readonly size: number,
    private readonly idleMs = 30_000,
    private readonly sm2OnThreads = SM2_VERIFIER === 'openssl',
  ) {}

  /** true or false, or undefined when the signature could not be read (as `checkSignature`). */
  check(check: SignatureCheck): Promise<Answer> {
    if (this.size === 0 || this.closed || (check.publicKey.alg === 'sm2' && !this.sm2OnThreads)) {
      return Promise.resolve(checkSignature(check));
    }
    return new Promise((resolve) => {
      this.queued.push({ check, resolve });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Threads running now (tests). */
  get running(): number {
    return this.threads.length;
  }

  /** For tests: the first thread dies with what it holds. */
  crashOne(): Promise<number> | undefined {
    return this.threads[0]?.crash();
  }

  private flush(): void {
    this.flushing = false;
    const batch = this.queued;
    this.queued = [];
    if (batch.length === 0) return;
    if (!this.closed) {
      try {
        this.leastLoaded().send(batch);
        return;
      } catch {
        // A thread that cannot be started or sent to: these are checked here, as after close.
      }
    }
    for (const p of batch) p.resolve(checkSignature(p.check));
  }

  private leastLoaded(): VerifierThread {
    if (this.threads.length < this.size && this.threads.every((t) => t.load > 0)) {
      const thread = new VerifierThread(this.idleMs, (ended, orphans) => {
        this.threads.splice(this.threads.indexOf(ended), 1);
        // What the thread held is checked here: nothing asked goes unanswered.
        for (const p of orphans) p.resolve(checkSignature(p.check));
      });
      this.threads.push(thread);
      return thread;
    }
    return this.threads.reduce((a, b) => (b.load < a.load ? b : a));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.threads].map((t) => t.terminate()));
  }
}
