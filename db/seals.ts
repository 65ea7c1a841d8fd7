import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { canonicalize } from '../crypto/jcs.js';
import { buildHeadsTree, type ChainHead, type HeadProof } from '../crypto/merkle.js';
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
): Promise<StoredStatement> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('referrals').select(['id', 'head_seq', 'head_hash']).execute();
    const heads: ChainHead[] = rows.map((r) => ({ referralId: r.id, seq: r.head_seq, hash: r.head_hash }));
    const tree = buildHeadsTree(heads);
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
        // The heads as sealed, so that a referral's inclusion proof can be given later.
        heads: JSON.stringify(heads.map((h) => [h.referralId, h.seq, h.hash])),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
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
 * The latest statement that covers the referral (or the one named), with the referral's inclusion proof
 * under its root.
 */
export async function latestSealFor(
  db: Db,
  referralId: string,
  statementId?: string,
): Promise<(StoredStatement & { proof: HeadProof }) | undefined> {
  let query = db.selectFrom('sealed_statements').selectAll();
  if (statementId !== undefined) query = query.where('id', '=', statementId);
  const rows = await query
    .where(
      sql<boolean>`jsonb_path_exists(heads, '$[*] ? (@[0] == $id)', jsonb_build_object('id', ${referralId}::text))`,
    )
    .orderBy('id', 'desc')
    .limit(1)
    .execute();
  const row = rows[0];
  if (!row) return undefined;
  const heads = (row.heads as [string, number, string][]).map(([id, seq, hash]) => ({
    referralId: id,
    seq,
    hash,
  }));
  const proof = buildHeadsTree(heads).proofFor(referralId);
  if (!proof) return undefined;
  return {
    id: String(row.id),
    statement: JSON.parse(row.statement) as SealedStatement,
    signature: { alg: row.alg as DetachedSignature['alg'], keyId: row.key_id, signature: row.signature },
    proof,
  };
}
