import { z } from 'zod';

const LogLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Every setting the hub reads from the environment, with local defaults that match DESIGN.md. */
export const ConfigSchema = z.object({
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/referral_hub'),
  /** One broker, or the nodes of a cluster separated by commas: the hub connects to the next one that answers. */
  AMQP_URL: z
    .string()
    .refine(
      (value) => value.split(',').every((url) => URL.canParse(url.trim())),
      'a URL, or URLs separated by commas',
    )
    .default('amqp://guest:guest@127.0.0.1:5672'),
  /** Management API, used only to provision per-agency RabbitMQ users. */
  RABBITMQ_MANAGEMENT_URL: z.string().url().default('http://guest:guest@127.0.0.1:15672'),
  /** Prefix for every exchange and queue name, so several hubs (or test files) share one broker. */
  AMQP_PREFIX: z
    .string()
    .regex(/^[a-z0-9_.-]*$/, 'lower-case letters, digits, dot, dash and underscore only')
    .default(''),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Where the workers process (`workers/main.ts`) serves /healthz and /readyz, on HOST; 0 picks a free port. */
  WORKERS_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  LOG_LEVEL: LogLevelSchema.default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Requests per second each API key may make (a token bucket; bursts up to twice this). */
  RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  RELAY_POLL_MS: z.coerce.number().int().min(1).max(60_000).default(1000),
  /** After a commit wakes it, the relay waits this long so that it publishes a batch. */
  RELAY_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(5),
  /**
   * Batches a relay has out at once, each with its own claim: while the broker confirms one (most of a
   * round here), the next is claimed and published.
   */
  RELAY_LANES: z.coerce.number().int().min(1).max(8).default(2),
  /** Commands decided and written together at most (group commit). */
  COMMAND_BATCH_MAX: z.coerce.number().int().min(1).max(1000).default(64),
  /** Batches of commands in flight at once: while one is written, the next collects what arrives. */
  COMMAND_BATCHES_IN_FLIGHT: z.coerce.number().int().min(1).max(16).default(1),
  /**
   * Threads that check agencies' signatures (issue 15), so that an SM2 verification (0.26 ms) does not hold
   * the event loop; 0 checks them on the event loop. On a 2-core machine that also runs PostgreSQL and
   * RabbitMQ a thread cost more than it freed (the bench's signed mode: 497–554 referrals/s with one against
   * 638–671 without, interleaved); where the process has cores to itself, a thread or two lets the event loop
   * take more commands.
   */
  SIGNATURE_VERIFY_THREADS: z.coerce.number().int().min(0).max(16).default(0),
  INTAKE_PREFETCH: z.coerce.number().int().min(1).max(10_000).default(200),
  /** Quorum-queue delivery limit: a message redelivered this often is dead-lettered. */
  DELIVERY_LIMIT: z.coerce.number().int().min(1).max(100).default(5),
  /** How often the deadlines worker looks for duties to warn about or record as breached. */
  DEADLINES_POLL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),
  /** How often the integrity watch checks the events appended since it last looked. */
  INTEGRITY_FOLLOW_MS: z.coerce.number().int().min(50).max(3_600_000).default(1000),
  /** Pause between two sweeps over every chain (a sweep walks all referrals, a chunk at a time). */
  INTEGRITY_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(7 * 86_400_000)
    .default(3_600_000),
  /**
   * Fault tests only: kill this process with SIGKILL at a named step, the Nth time it passes there
   * (`relay.after_publish`, `intake.after_apply`, `gateway.after_commit`). Unset in any real deployment.
   */
  HUB_CRASH_AT: z.enum(['relay.after_publish', 'intake.after_apply', 'gateway.after_commit']).optional(),
  HUB_CRASH_AFTER: z.coerce.number().int().min(1).default(1),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  /**
   * How often the workers prune expired de-duplication records and vacuum the hot tables whose dead rows
   * passed MAINTENANCE_DEAD_ROWS (the server's autovacuum may be off, as on these machines, or lagging).
   */
  MAINTENANCE_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /**
   * Dead rows (plus 2 % of the live ones) after which the hub vacuums a hot table itself: at 240
   * messages a second the outbox gathers this many in about 20 s. With the server's autovacuum on, the hub
   * steps in only at four times this (autovacuum is lagging).
   */
  MAINTENANCE_DEAD_ROWS: z.coerce.number().int().min(100).max(100_000_000).default(5000),
  /** Rows deleted per statement when pruning, so that no prune holds locks or bloats WAL for long. */
  PRUNE_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
  /**
   * How long an HTTP Idempotency-Key keeps its answer: 7 days, beyond any client's automatic retries
   * (seconds to hours) and a retry by hand after a weekend or a 7-day public holiday (国庆).
   */
  IDEMPOTENCY_KEY_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3650)
    .default(24 * 7),
  /**
   * How long an AMQP message id is remembered as processed: 14 days, far beyond RabbitMQ's redeliveries
   * (DELIVERY_LIMIT attempts within minutes) and an agency system republishing after an outage, and long
   * enough for an operator to replay dead letters (`dlq replay`) after a week's holiday.
   */
  PROCESSED_MESSAGE_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3650)
    .default(24 * 14),
  /**
   * After SIGTERM or SIGINT a process that has not finished stopping by then exits anyway (code 1): below
   * Docker's 10 s stop grace period, so the graceful path gets its chance before a SIGKILL.
   */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(8000),
  /** Largest file one upload may carry (issue 13: 200 MB). */
  FILE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(200 * 1024 * 1024),
  /** The files of one referral together (issue 13: 1 GB); checked when they are attached. */
  REFERRAL_FILES_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(1024 * 1024 * 1024),
  /** How many files one referral may carry; checked when they are attached. */
  REFERRAL_FILES_MAX_COUNT: z.coerce.number().int().min(1).max(100_000).default(500),
  /** An upload that sends nothing for this long is refused (408) and nothing of it is stored. */
  FILE_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /**
   * Uploads in progress at once per gateway; each holds a PostgreSQL connection of its own (outside
   * DB_POOL_SIZE) until its last byte is stored, so the command path never waits behind a slow upload.
   */
  FILE_UPLOAD_SLOTS: z.coerce.number().int().min(1).max(100).default(4),
  /**
   * Issue 15: the hub's own signing key (PKCS#8 PEM, SM2 or Ed25519), with which it signs every message it
   * sends and its sealed statements. Unset: a key is generated at first start and stored in the database.
   */
  HUB_SIGNING_KEY_FILE: z.string().min(1).optional(),
  /** The algorithm of a generated hub key. */
  HUB_SIGNING_ALG: z.enum(['sm2', 'ed25519']).default('sm2'),
  /** How often the hub writes a signed statement of every chain head (and at each yearly report). */
  SEAL_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(31 * 86_400_000)
    .default(3_600_000),
  /** PostgreSQL connections per gateway that downloads share, one short statement per chunk. */
  FILE_DOWNLOAD_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(4),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

export type ConfigResult = { ok: true; value: Config } | { ok: false; message: string };

/** Parses the environment once; never reads process.env on import. */
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = ConfigSchema.safeParse(env);
  if (parsed.success) return { ok: true, value: Object.freeze(parsed.data) };
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
  return { ok: false, message: `invalid configuration:\n${lines.join('\n')}` };
}
