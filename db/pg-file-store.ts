import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { HubError } from '../schemas/errors.js';
import type { Db } from './connection.js';
import type { ByteRange, FileStore, PutMeta, PutResult, VerifyResult } from './file-store.js';
import { findFile, recordUploader } from './files.js';

/** One chunk row: large enough that a statement per chunk costs little, small enough to hold a few. */
export const CHUNK_BYTES = 1024 * 1024;

/** Thrown inside the upload transaction to roll it back when another upload stored the same bytes first. */
class AlreadyStored extends Error {}

/** A promise whose rejection is handled later (awaited), never reported as unhandled meanwhile. */
function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** Regroups arbitrary pieces (64 KiB from a socket) into chunks of exactly `size` bytes but the last. */
async function* inChunks(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let chunk = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const piece of source) {
    let offset = 0;
    while (offset < piece.length) {
      const copied = piece.copy(chunk, filled, offset, Math.min(piece.length, offset + size - filled));
      filled += copied;
      offset += copied;
      if (filled === size) {
        yield chunk;
        chunk = Buffer.allocUnsafe(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield chunk.subarray(0, filled);
}

/**
 * Files in PostgreSQL, as chunk rows (why: db/migrations/0008-files.ts). `uploads` is a pool of its own:
 * an upload holds its connection and transaction until its last byte arrives, which must never make the
 * command path wait; reads are short statements on the shared pool.
 */
export function createPgFileStore(db: Db, uploads: Db = db): FileStore {
  async function exists(sha256: string): Promise<boolean> {
    return (await findFile(db, sha256)) !== undefined;
  }

  /** Bytes already stored: hash them to prove the agency has them, record it as an uploader, write nothing. */
  async function proveKnown(
    source: AsyncIterable<Buffer>,
    meta: PutMeta,
    sha256: string,
  ): Promise<PutResult> {
    const hash = createHash('sha256');
    for await (const piece of source) hash.update(piece);
    const actual = hash.digest('hex');
    if (actual !== sha256) throw mismatch(sha256, actual);
    return known(sha256, meta.uploadedBy);
  }

  async function known(sha256: string, agencyCode: string): Promise<PutResult> {
    const file = await findFile(db, sha256);
    if (!file) throw new Error(`file ${sha256} vanished while being uploaded again`);
    await recordUploader(db, sha256, agencyCode);
    return { sha256, size: file.size, mediaType: file.mediaType, created: false };
  }

  async function put(source: AsyncIterable<Buffer>, meta: PutMeta): Promise<PutResult> {
    // With a declared hash of stored bytes nothing needs writing, not even rows to roll back.
    if (meta.declaredSha256 && (await exists(meta.declaredSha256))) {
      return proveKnown(source, meta, meta.declaredSha256);
    }
    try {
      return await uploads.transaction().execute(async (trx) => {
        const next = await sql<{ id: string }>`SELECT nextval('file_blob_ids')::text AS id`.execute(trx);
        const blobId = next.rows[0]!.id;
        const hash = createHash('sha256');
        let size = 0;
        let n = 0;
        // One insert in flight while the next chunk arrives: at most two chunks in memory.
        let inFlight: Promise<unknown> = Promise.resolve();
        for await (const chunk of inChunks(source, CHUNK_BYTES)) {
          hash.update(chunk);
          size += chunk.length;
          await inFlight;
          inFlight = later(
            trx.insertInto('file_chunks').values({ blob_id: blobId, n, data: chunk }).execute(),
          );
          n += 1;
        }
        await inFlight;
        const sha256 = hash.digest('hex');
        if (size === 0) throw new HubError('FILE_EMPTY');
        if (meta.declaredSha256 && meta.declaredSha256 !== sha256)
          throw mismatch(meta.declaredSha256, sha256);
        // A parallel upload of the same bytes waits here for the first one's commit, then finds its row.
        const inserted = await trx
          .insertInto('files')
          .values({
            sha256,
            size,
            media_type: meta.mediaType,
            blob_id: blobId,
            chunk_size: CHUNK_BYTES,
            uploaded_by: meta.uploadedBy,
          })
          .onConflict((oc) => oc.column('sha256').doNothing())
          .returning('sha256')
          .executeTakeFirst();
        if (!inserted) throw new AlreadyStored(sha256);
        await trx.insertInto('file_uploads').values({ sha256, agency_code: meta.uploadedBy }).execute();
        return { sha256, size, mediaType: meta.mediaType, created: true };
      });
    } catch (error) {
      if (error instanceof AlreadyStored) return known(error.message, meta.uploadedBy);
      throw error;
    }
  }

  async function get(sha256: string, range?: ByteRange): Promise<Readable | undefined> {
    const file = await db
      .selectFrom('files')
      .select(['blob_id', 'chunk_size', 'size'])
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    if (!file) return undefined;
    const { start, end } = range ?? { start: 0, end: Number(file.size) - 1 };
    // Not object mode: the stream's byte high-water mark lets one chunk wait while the socket drains.
    return Readable.from(readChunks(file.blob_id, file.chunk_size, start, end), { objectMode: false });
  }

  async function* readChunks(blobId: string, chunkSize: number, start: number, end: number) {
    const first = Math.floor(start / chunkSize);
    const last = Math.floor(end / chunkSize);
    const slice = (n: number) => {
      const from = n === first ? start - n * chunkSize : 0;
      const to = n === last ? end - n * chunkSize : chunkSize - 1;
      return { n, length: to - from + 1, query: later(readSlice(blobId, n, from, to - from + 1)) };
    };
    // The next chunk is read while this one is written to the client.
    let next = slice(first);
    while (true) {
      const current = next;
      if (current.n < last) next = slice(current.n + 1);
      const data = await current.query;
      if (data?.length !== current.length) {
        throw new Error(`file chunk ${current.n} of blob ${blobId} is missing or short`);
      }
      yield data;
      if (current.n === last) return;
    }
  }

  async function readSlice(blobId: string, n: number, from: number, length: number) {
    // substring on an EXTERNAL (uncompressed) value fetches only the TOAST slices it needs.
    const result = await sql<{ data: Buffer }>`
      SELECT substring(data FROM ${from + 1}::int FOR ${length}::int) AS data
      FROM file_chunks WHERE blob_id = ${blobId}::int8 AND n = ${n}::int`.execute(db);
    return result.rows[0]?.data;
  }

  async function verify(
    sha256: string,
    onBytes?: (bytes: number) => void,
  ): Promise<VerifyResult | undefined> {
    const file = await db
      .selectFrom('files')
      .select(['blob_id', 'size'])
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    if (!file) return undefined;
    const hash = createHash('sha256');
    let actualSize = 0;
    // Whatever rows are there, in order: a missing, extra or altered chunk changes the hash or the size.
    let after = -1;
    for (;;) {
      const row = await db
        .selectFrom('file_chunks')
        .select(['n', 'data'])
        .where('blob_id', '=', file.blob_id)
        .where('n', '>', after)
        .orderBy('n')
        .limit(1)
        .executeTakeFirst();
      if (!row) break;
      hash.update(row.data);
      actualSize += row.data.length;
      after = row.n;
      onBytes?.(row.data.length);
    }
    const actualSha256 = hash.digest('hex');
    const size = Number(file.size);
    return { sha256, ok: actualSha256 === sha256 && actualSize === size, size, actualSha256, actualSize };
  }

  return { put, get, exists, verify };
}

function mismatch(declared: string, actual: string): HubError {
  return new HubError('FILE_HASH_MISMATCH', undefined, { declared, actual });
}
