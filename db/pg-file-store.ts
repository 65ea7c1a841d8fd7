import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import pg from 'pg';
import { HubError } from '../schemas/errors.js';
import { copyChunkOut, copyChunks } from './chunk-copy.js';
import type { Db } from './connection.js';
import type { ByteRange, FileStore, PutMeta, PutResult, VerifyResult } from './file-store.js';
import { findFile, recordUploader } from './files.js';

/** One chunk row: large enough that a statement per chunk costs little, small enough to hold a few. */
export const CHUNK_BYTES = 1024 * 1024;

/** A promise whose rejection is handled later (awaited), never reported as unhandled meanwhile. */
function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

export type PgFileStore = FileStore & { close(): Promise<void> };

/**
 * Files in PostgreSQL, as chunk rows (why: db/migrations/0008-files.ts), moved with COPY (db/chunk-copy.ts)
 * on pools of their own, so that file traffic never makes the command path wait for a connection: an
 * upload holds one of `uploadSlots` until its last byte arrives; a download takes one of
 * `downloadConnections` for each chunk, briefly. Catalogue lookups use the shared pool.
 */
export function createPgFileStore(options: {
  db: Db;
  databaseUrl: string;
  uploadSlots: number;
  downloadConnections: number;
}): PgFileStore {
  const { db } = options;
  const uploads = rawPool(options.databaseUrl, options.uploadSlots);
  const reads = rawPool(options.databaseUrl, options.downloadConnections);

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
    // Waits for a free upload slot (or fails after the pool's timeout: 503, retry later).
    const client = await uploads.connect();
    let healthy = false;
    try {
      await client.query('BEGIN');
      const next = await client.query<{ id: string }>(`SELECT nextval('file_blob_ids')::text AS id`);
      const blobId = next.rows[0]!.id;
      const { sha256, size } = await copyChunks(client, blobId, source, CHUNK_BYTES);
      healthy = true;
      if (size === 0) throw new HubError('FILE_EMPTY');
      if (meta.declaredSha256 && meta.declaredSha256 !== sha256) throw mismatch(meta.declaredSha256, sha256);
      // A parallel upload of the same bytes waits here for the first one's commit, then finds its row.
      const inserted = await client.query(
        `INSERT INTO files (sha256, size, media_type, blob_id, chunk_size, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
        [sha256, size, meta.mediaType, blobId, CHUNK_BYTES, meta.uploadedBy],
      );
      if (inserted.rowCount === 0) {
        await client.query('ROLLBACK');
        return known(sha256, meta.uploadedBy);
      }
      await client.query('INSERT INTO file_uploads (sha256, agency_code) VALUES ($1, $2)', [
        sha256,
        meta.uploadedBy,
      ]);
      await client.query('COMMIT');
      return { sha256, size, mediaType: meta.mediaType, created: true };
    } catch (error) {
      if (healthy) await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      // A COPY cut off mid-stream leaves the connection mid-protocol: close it, and the server rolls back.
      client.release(healthy ? undefined : true);
    }
  }

  async function get(sha256: string, range?: ByteRange): Promise<Readable | undefined> {
    const file = await db
      .selectFrom('files')
      .select(['blob_id', 'chunk_size', 'size'])
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    if (!file) return undefined;
    const size = Number(file.size);
    const { start, end } = range ?? { start: 0, end: size - 1 };
    // Not object mode: the stream's byte high-water mark lets one chunk wait while the socket drains.
    return Readable.from(readChunks(file.blob_id, file.chunk_size, size, start, end), { objectMode: false });
  }

  async function readChunk(blobId: string, n: number, from: number, length: number, whole: boolean) {
    const client = await reads.connect();
    try {
      const pieces = await copyChunkOut(client, blobId, n, whole ? undefined : { from, length });
      const got = pieces?.reduce((sum, piece) => sum + piece.length, 0);
      if (got !== length) throw new Error(`file chunk ${n} of blob ${blobId} is missing or short`);
      return pieces!;
    } finally {
      client.release();
    }
  }

  async function* readChunks(blobId: string, chunkSize: number, size: number, start: number, end: number) {
    const first = Math.floor(start / chunkSize);
    const last = Math.floor(end / chunkSize);
    const slice = (n: number) => {
      const from = n === first ? start - n * chunkSize : 0;
      const to = n === last ? end - n * chunkSize : chunkSize - 1;
      const whole = from === 0 && (n < last || end === size - 1);
      return { n, pieces: later(readChunk(blobId, n, from, to - from + 1, whole)) };
    };
    // The next chunk is read while this one is written to the client.
    let next = slice(first);
    for (;;) {
      const current = next;
      if (current.n < last) next = slice(current.n + 1);
      yield* await current.pieces;
      if (current.n === last) return;
    }
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
    // Whatever rows are there, in order: a missing, extra or altered chunk changes the hash or the size.
    const chunks = await db
      .selectFrom('file_chunks')
      .select('n')
      .where('blob_id', '=', file.blob_id)
      .orderBy('n')
      .execute();
    const hash = createHash('sha256');
    let actualSize = 0;
    for (const chunk of chunks) {
      const client = await reads.connect();
      try {
        for (const piece of (await copyChunkOut(client, file.blob_id, chunk.n)) ?? []) {
          hash.update(piece);
          actualSize += piece.length;
          onBytes?.(piece.length);
        }
      } finally {
        client.release();
      }
    }
    const actualSha256 = hash.digest('hex');
    const size = Number(file.size);
    return { sha256, ok: actualSha256 === sha256 && actualSize === size, size, actualSha256, actualSize };
  }

  async function close(): Promise<void> {
    await Promise.all([uploads.end(), reads.end()]);
  }

  return { put, get, exists, verify, close };
}

/** node-postgres clients for COPY, which kysely does not offer; waiting for one fails after 5 s (503). */
function rawPool(databaseUrl: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5000 });
  // As in db/connection.ts: a lost server fails the transfer in flight, never the process.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

function mismatch(declared: string, actual: string): HubError {
  return new HubError('FILE_HASH_MISMATCH', undefined, { declared, actual });
}
