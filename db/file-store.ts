import type { Readable } from 'node:stream';
import type { MediaType, StoredFile } from '../schemas/files.js';

/** Inclusive byte positions, as in an HTTP Range. */
export type ByteRange = { start: number; end: number };

export type PutMeta = {
  mediaType: MediaType;
  /** The uploading agency, recorded so that only an agency that had the bytes may attach them. */
  uploadedBy: string;
  /** X-Content-SHA256: bytes that hash otherwise are refused and nothing is stored. */
  declaredSha256?: string | undefined;
};

/** `created` is false when these bytes were stored already (nothing new was written). */
export type PutResult = StoredFile & { created: boolean };

export type VerifyResult = {
  sha256: string;
  ok: boolean;
  size: number;
  actualSha256: string;
  actualSize: number;
};

/**
 * Where the bytes of case files live, addressed by their SHA-256. PostgreSQL holds them by default
 * (db/pg-file-store.ts); an object store can implement the same five calls later.
 */
export interface FileStore {
  /**
   * Streams `source` in, hashing as it goes. All or nothing: an error from `source` (timeout, truncation,
   * a refused byte) or a hash that differs from the declared one leaves nothing visible. Stored bytes are
   * never written twice.
   */
  put(source: AsyncIterable<Buffer>, meta: PutMeta): Promise<PutResult>;
  /** The file's bytes (or those of `range`) as a stream read piece by piece; undefined when not stored. */
  get(sha256: string, range?: ByteRange): Promise<Readable | undefined>;
  exists(sha256: string): Promise<boolean>;
  /** Re-hashes the stored bytes; `onBytes` hears how many were read, for a progress bar. */
  verify(sha256: string, onBytes?: (bytes: number) => void): Promise<VerifyResult | undefined>;
}
