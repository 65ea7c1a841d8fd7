import type { Readable } from 'node:stream';
import { HubError, isHubError } from '../schemas/errors.js';

export type UploadOptions = {
  maxBytes: number;
  idleMs: number;
  /** Content-Length, when the client sent one: fewer bytes than that is a truncated upload. */
  declaredLength: number | undefined;
};

export type Upload = {
  /** Reads until `bytes` arrived or the body ended; what it read is yielded again by `all`. */
  head(bytes: number): Promise<Buffer>;
  /** The whole body, head first, as it arrives. */
  all(): AsyncGenerator<Buffer>;
  /** Whether the body was read to its end (otherwise the connection is closed after the answer). */
  readonly ended: boolean;
};

/**
 * An upload body read piece by piece as it arrives, never buffered whole. A pause longer than `idleMs`,
 * a connection closed early, fewer bytes than Content-Length or more than `maxBytes` throw a HubError
 * from the read, so whatever is storing the stream rolls back.
 *
 * The body is iterated by hand rather than with `for await`: leaving a `for await` early destroys the
 * request, and with it the socket the refusal should be written to.
 */
export function openUpload(body: Readable, options: UploadOptions): Upload {
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let received = 0;
  let ended = false;
  let held: Buffer[] = [];

  async function nextPiece(): Promise<Buffer | undefined> {
    if (ended) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new HubError('UPLOAD_TIMED_OUT', undefined, { idleMs: options.idleMs, received })),
        options.idleMs,
      );
    });
    const next = iterator.next();
    next.catch(() => {});
    let result: IteratorResult<Buffer>;
    try {
      result = await Promise.race([next, idle]);
    } catch (error) {
      if (isHubError(error)) throw error;
      // 'aborted' / ECONNRESET: the client went away mid-body.
      throw new HubError('UPLOAD_INCOMPLETE', undefined, { received });
    } finally {
      clearTimeout(timer);
    }
    if (result.done) {
      ended = true;
      if (options.declaredLength !== undefined && received !== options.declaredLength) {
        throw new HubError('UPLOAD_INCOMPLETE', undefined, { received, declared: options.declaredLength });
      }
      return undefined;
    }
    received += result.value.length;
    if (received > options.maxBytes) {
      throw new HubError('FILE_TOO_LARGE', undefined, { maxBytes: options.maxBytes });
    }
    return result.value;
  }

  return {
    async head(bytes) {
      let length = held.reduce((sum, piece) => sum + piece.length, 0);
      while (length < bytes) {
        const piece = await nextPiece();
        if (!piece) break;
        held.push(piece);
        length += piece.length;
      }
      return Buffer.concat(held).subarray(0, Math.min(length, bytes));
    },
    async *all() {
      const first = held;
      held = [];
      yield* first;
      for (let piece = await nextPiece(); piece; piece = await nextPiece()) yield piece;
    },
    get ended() {
      return ended;
    },
  };
}
