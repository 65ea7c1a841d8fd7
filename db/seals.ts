import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { canonicalize } from '../crypto/jcs.js';
import { buildHeadsTree, type ChainHead, type HeadProof, type HeadsTree } from '../crypto/merkle.js';
import type { DeliveryChannel } from '../schemas/agency.js';
import type { DetachedSignature } from '../schemas/signature.js';
import { type SealedStatement, type SealReason, statementMessage } from '../schemas/statements.js';
import type { Db } from './connection.js';
import { enqueue } from './outbox.js';

/** What seals a statement (runtime/hub-signer.ts). */
export type StatementSigner = { keyId: string; signJson(value: unknown): DetachedSignature };

export type StoredStatement = {
  id: string;
  statement: SealedStatement;
  signature: DetachedSignature;
};

/**
 * The one writer of `sealed_statements` (append-only, a trigger refuses UPDATE and DELETE): signs the
 * Merkle root over every referral's chain head and sends the statement to every region's procuratorate and
 * coordinator in the same transaction — once it is in their hands, a rewrite of any event sealed under it
 * can be shown, whoever runs the database.
 */
export async function sealHeads(
  db: Db,
  signer: StatementSigner,
  reason: SealReason,
  now: Date,
): Promise<StoredStatement>;
/** Seals unless a statement was sealed after `options.unlessSealedAfter` (seen once it is this seal's turn). */
export async function sealHeads(
  db: Db,
  signer: StatementSigner,
  reason: SealReason,
  now: Date,
  options: { unlessSealedAfter: Date },
): Promise<StoredStatement | undefined>;
export async function sealHeads(
  db: Db,
  signer: StatementSigner,
  reason: SealReason,
  now: Date,
  options?: { unlessSealedAfter: Date },
): Promise<StoredStatement | undefined> {
  // One snapshot for the heads read here and those recorded below (statement_heads), so that the leaves
  // a proof is later built from are exactly the ones sealed. Seals take turns (the periodic sealer and a
  // yearly report may meet): the lock comes before the first read, so a seal's snapshot is taken after the
  // one before it committed — two seals on overlapping snapshots would each miss the other's rows, and the
  // later statement could then be proved with heads it did not seal. Readers of the table are not held.
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      await sql`LOCK TABLE statement_heads IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
      // Its few big queries run once an hour: compiling them (JIT, on by default) costs more than it saves.
      await sql`SET LOCAL jit = off`.execute(trx);
      if (options) {
        // Two workers processes that both found the last statement old: the second, its turn come, sees the
        // first's statement and does not seal the same heads again.
        // The latest by key (sealed_at has no index, and the table grows by a statement an hour).
        const latest = await trx
          .selectFrom('sealed_statements')
          .select('sealed_at')
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (latest && latest.sealed_at > options.unlessSealedAfter) return undefined;
      }
      // In key order, which is the tree's: the tree need not sort a million heads on the event loop.
      const rows = await trx
        .selectFrom('referrals')
        .select(['id', 'head_seq', 'head_hash'])
        .orderBy('id')
        .execute();
      const heads: ChainHead[] = rows.map((r) => ({ referralId: r.id, seq: r.head_seq, hash: r.head_hash }));
      const tree = await buildHeadsTree(heads);
      const statement: SealedStatement = {
        type: 'hub.sealed_statement',
        reason,
        sealedAt: now.toISOString(),
        size: tree.size,
        root: tree.root,
        hubKeyId: signer.keyId,
      };
      const signature = signer.signJson(statement);
      const { id } = await trx
        .insertInto('sealed_statements')
        .values({
          reason,
          statement: canonicalize(statement),
          alg: signature.alg,
          key_id: signer.keyId,
          signature: signature.signature,
          sealed_at: now,
          root: tree.root,
          size: tree.size,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordChangedHeads(trx, id);
      const recipients = await trx
        .selectFrom('agencies')
        .select(['code', 'delivery'])
        .where('kind', 'in', ['procuratorate', 'coordinator'])
        .where('parent_code', 'is', null)
        .orderBy('code')
        .execute();
      await enqueue(
        trx,
        recipients.map((r) =>
          statementMessage({
            messageId: randomUUID(),
            recipient: { code: r.code, delivery: r.delivery as DeliveryChannel },
            statementId: String(id),
            statement,
            signature,
          }),
        ),
      );
      return { id: String(id), statement, signature };
    });
}

/** When the hub last sealed (the sealer seals again once the interval has passed). */
export async function lastSealedAt(db: Db): Promise<Date | undefined> {
  const row = await db
    .selectFrom('sealed_statements')
    .select('sealed_at')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.sealed_at;
}

/**
 * The trees of sealed statements, each built once: the heads under a statement never change (statement_heads
 * is append-only, a statement's rows commit with it), so a proof under it needs the tree only. Building one
 * reads every head and hashes them all (≈8 s of CPU at a million referrals); an evidence download after the
 * first under the same statement takes a lookup. Keeps the trees of the `capacity` statements asked for last
 * (each ≈250 bytes a referral); builds asked for at once share one.
 */
export class StatementTrees {
  private readonly trees = new Map<string, Promise<HeadsTree>>();
  constructor(
    private readonly capacity = 1,
    /** Told of each build (the gateway counts them in /metrics). */
    private readonly building: () => void = () => {},
  ) {}

  tree(statementId: string, build: () => Promise<HeadsTree>): Promise<HeadsTree> {
    const held = this.trees.get(statementId);
    this.trees.delete(statementId);
    if (!held) this.building();
    const tree = held ?? build();
    this.trees.set(statementId, tree);
    // A failed build is not kept: the next request tries again.
    tree.catch(() => {
      if (this.trees.get(statementId) === tree) this.trees.delete(statementId);
    });
    for (const oldest of this.trees.keys()) {
      if (this.trees.size <= this.capacity) break;
      this.trees.delete(oldest);
    }
    return tree;
  }
}

/** No trees kept: each proof builds its statement's tree. */
const UNCACHED = new StatementTrees(0);

/**
 * The latest statement that covers the referral (or the one named), with the referral's inclusion proof
 * under its root; the statement's tree from `trees` when it holds it.
 */
export async function latestSealFor(
  db: Db,
  referralId: string,
  statementId?: string,
  trees: StatementTrees = UNCACHED,
): Promise<(StoredStatement & { proof: HeadProof }) | undefined> {
  let query = db
    .selectFrom('sealed_statements')
    .select(['id', 'statement', 'alg', 'key_id', 'signature', sql<boolean>`heads IS NOT NULL`.as('inline')]);
  if (statementId !== undefined) query = query.where('id', '=', statementId);
  // Heads only accrue (a referral is never removed): the latest statement covers a referral if any does.
  const row = await query.orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!row) return undefined;
  const id = String(row.id);
  const source = row.inline ? INLINE_HEADS : RECORDED_HEADS;
  // One index lookup says whether the statement covers the referral, before any tree is built for it.
  if (!(await source.covers(db, id, referralId))) return undefined;
  const tree = await trees.tree(id, async () => buildHeadsTree(await source.heads(db, id)));
  const proof = tree.proofFor(referralId);
  if (!proof) return undefined;
  return {
    id,
    statement: JSON.parse(row.statement) as SealedStatement,
    signature: { alg: row.alg as DetachedSignature['alg'], keyId: row.key_id, signature: row.signature },
    proof,
  };
}

/**
 * Records the heads statement `statementId` seals that changed since the statement before: a referral's head
 * under a statement is its latest `statement_heads` row at or before it. Runs in the statement's snapshot.
 * The changed heads are found first and inserted after, in two statements: a query that reads
 * `statement_heads` while inserting into it may be planned as a scan per referral over a table it grows,
 * which made a first seal of 100,000 referrals take minutes.
 */
async function recordChangedHeads(trx: Db, statementId: string | number): Promise<void> {
  await sql`
    CREATE TEMPORARY TABLE changed_heads ON COMMIT DROP AS
    SELECT r.id, r.head_seq, r.head_hash
    FROM referrals r
    LEFT JOIN LATERAL (
      SELECT h.seq, h.hash FROM statement_heads h WHERE h.referral_id = r.id
      ORDER BY h.statement_id DESC LIMIT 1
    ) last ON true
    WHERE last.seq IS DISTINCT FROM r.head_seq OR last.hash IS DISTINCT FROM r.head_hash
  `.execute(trx);
  await sql`
    INSERT INTO statement_heads (referral_id, statement_id, seq, hash)
    SELECT id, ${statementId}, head_seq, head_hash FROM changed_heads
  `.execute(trx);
}

/** Where a statement's heads are kept: rows of `statement_heads` (since migration 0016) or its own jsonb. */
type HeadsSource = {
  covers(db: Db, statementId: string, referralId: string): Promise<boolean>;
  heads(db: Db, statementId: string): Promise<ChainHead[]>;
};

type HeadRow = { referral_id: string; seq: number; hash: string };

function headsOf(rows: HeadRow[]): ChainHead[] {
  return rows.map((h) => ({ referralId: h.referral_id, seq: h.seq, hash: h.hash }));
}

/** Whether a statement sealed after migration 0016 covers the referral: it has a row at or before it. */
async function recordedCovers(db: Db, statementId: string, referralId: string): Promise<boolean> {
  const row = await db
    .selectFrom('statement_heads')
    .select('seq')
    .where('referral_id', '=', referralId)
    .where('statement_id', '<=', statementId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The heads under a statement sealed after migration 0016: each referral's latest row at or before it, found
 * through the key (referral, statement) — one index lookup a referral, however many statements were sealed
 * before.
 */
async function recordedHeads(db: Db, statementId: string): Promise<ChainHead[]> {
  // A lookup a referral: at a first run (no statistics) the planner's estimate turns JIT on, 0.2 s here.
  const { rows } = await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL jit = off`.execute(trx);
    return sql<HeadRow>`
    SELECT r.id AS referral_id, h.seq, h.hash
    FROM referrals r
    CROSS JOIN LATERAL (
      SELECT seq, hash FROM statement_heads
      WHERE referral_id = r.id AND statement_id <= ${statementId}
      ORDER BY statement_id DESC LIMIT 1
    ) h
    ORDER BY r.id
  `.execute(trx);
  });
  return headsOf(rows);
}

/** Whether a statement sealed before migration 0016 lists the referral among its jsonb heads. */
async function inlineCovers(db: Db, statementId: string, referralId: string): Promise<boolean> {
  const row = await db
    .selectFrom('sealed_statements')
    .select('id')
    .where('id', '=', statementId)
    .where(
      sql<boolean>`jsonb_path_exists(heads, '$[*] ? (@[0] == $id)', jsonb_build_object('id', ${referralId}::text))`,
    )
    .executeTakeFirst();
  return row !== undefined;
}

/** The heads of a statement sealed before migration 0016, kept in the statement as jsonb. */
async function inlineHeads(db: Db, statementId: string): Promise<ChainHead[]> {
  const row = await db
    .selectFrom('sealed_statements')
    .select('heads')
    .where('id', '=', statementId)
    .executeTakeFirstOrThrow();
  return (row.heads as [string, number, string][]).map(([id, seq, hash]) => ({ referralId: id, seq, hash }));
}

const RECORDED_HEADS: HeadsSource = { covers: recordedCovers, heads: recordedHeads };
const INLINE_HEADS: HeadsSource = { covers: inlineCovers, heads: inlineHeads };
