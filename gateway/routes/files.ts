import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fileOnReferral } from '../../db/files.js';
import { CHUNK_BYTES } from '../../db/pg-file-store.js';
import { recordRead } from '../../db/read-audit.js';
import { HubError } from '../../schemas/errors.js';
import {
  declaredMediaType,
  MEDIA_TYPES,
  type MediaType,
  Sha256Schema,
  StoredFileSchema,
  UploadHeadersSchema,
} from '../../schemas/files.js';
import { tookPart } from '../../schemas/visibility.js';
import type { GatewayDeps } from '../app.js';
import { requireAgency } from '../auth.js';
import { createTextCheck, sniffMediaType } from '../file-sniff.js';
import { openUpload } from '../file-upload.js';
import { noneMatch, parseRange, rangeStillValid } from '../http-range.js';

/** What a client may declare: a hint only (the bytes decide), so a wrong but listed one is no refusal. */
const DECLARABLE = [...Object.keys(MEDIA_TYPES), 'application/octet-stream', 'application/zip'];
const FileParams = z.strictObject({ id: z.uuid(), sha256: Sha256Schema });

function lengthOf(header: string | undefined): number | undefined {
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
}

/** Case files: streamed uploads, content-addressed; downloads for those who may see the referral. */
export function fileRoutes(deps: GatewayDeps): FastifyPluginAsyncZod {
  return async (app) => {
    requireAgency(app, deps.authenticate);
    // In this plugin only: upload bodies reach the handler as the raw stream; JSON routes keep theirs.
    app.addContentTypeParser(DECLARABLE, (_request, payload, done) => done(null, payload));
    app.addContentTypeParser('*', (request, _payload, done) => {
      done(refusedDeclared(declaredMediaType(request.headers['content-type'])));
    });

    app.post(
      '/v1/files',
      {
        schema: {
          tags: ['files'],
          summary: 'Upload a case file (streamed; answers its SHA-256, size and sniffed media type)',
          headers: UploadHeadersSchema,
          response: { 200: StoredFileSchema, 201: StoredFileSchema },
        },
      },
      async (request, reply) => {
        const declaredLength = lengthOf(request.headers['content-length']);
        const body = request.body as Readable | undefined;
        const declared = declaredMediaType(request.headers['content-type']);
        if (body === undefined || declaredLength === 0) throw new HubError('FILE_EMPTY');
        // A JSON body was parsed by the JSON parser: it is not a file upload.
        if (typeof body.read !== 'function') throw refusedDeclared(declared);
        const maxBytes = deps.config.FILE_MAX_BYTES;
        const upload = openUpload(body, {
          maxBytes,
          idleMs: deps.config.FILE_IDLE_TIMEOUT_MS,
          declaredLength,
        });
        try {
          if (declaredLength !== undefined && declaredLength > maxBytes) {
            throw new HubError('FILE_TOO_LARGE', undefined, { maxBytes });
          }
          const head = await upload.head(CHUNK_BYTES);
          if (head.length === 0) throw new HubError('FILE_EMPTY');
          const sniffed = await sniffMediaType(head, { complete: upload.ended, declared });
          if (!sniffed.ok) throw refusedSniffed(sniffed.sniffed);
          const source = sniffed.mediaType.startsWith('text/') ? textOnly(upload.all()) : upload.all();
          const stored = await deps.files.put(source, {
            mediaType: sniffed.mediaType,
            uploadedBy: request.agency.code,
            declaredSha256: request.headers['x-content-sha256'],
          });
          reply.status(stored.created ? 201 : 200);
          return { sha256: stored.sha256, size: stored.size, mediaType: stored.mediaType };
        } catch (error) {
          // The rest of the body is not read: answer, then close rather than drain it.
          if (!upload.ended) reply.header('connection', 'close');
          throw error;
        }
      },
    );

    // HEAD declared here: fastify's own HEAD route would read the whole file to count it.
    app.route({
      method: ['GET', 'HEAD'],
      url: '/v1/referrals/:id/files/:sha256',
      schema: {
        tags: ['files'],
        summary: "Download one of a referral's files (ETag, Range, If-None-Match)",
        params: FileParams,
      },
      handler: async (request, reply) => {
        const { agency } = request;
        const { id, sha256 } = request.params;
        const found = await fileOnReferral(deps.db, id, sha256);
        // The files go to the referral's parties (a forwarded recipient included) and their superiors, not
        // to every body that may read the referral's record for its region.
        const scope = await deps.directory.scope(agency);
        if (!found.referral || !tookPart(scope, found.referral.participants)) {
          throw new HubError('REFERRAL_NOT_FOUND', undefined, { referralId: id });
        }
        if (!found.file) throw new HubError('FILE_NOT_FOUND', undefined, { referralId: id, sha256 });
        await recordRead(deps.db, id, agency.code, `file:${sha256}`);
        const { size, mediaType } = found.file;
        const etag = `"${sha256}"`;
        reply.header('etag', etag);
        reply.header('accept-ranges', 'bytes');
        reply.header('cache-control', 'private, no-cache');
        if (noneMatch(request.headers['if-none-match'], etag)) return reply.status(304).send();
        const range = rangeStillValid(request.headers['if-range'] as string | undefined, etag)
          ? parseRange(request.headers.range, size)
          : ({ kind: 'full' } as const);
        if (range.kind === 'unsatisfiable') {
          reply.header('content-range', `bytes */${size}`);
          throw new HubError('RANGE_NOT_SATISFIABLE', undefined, { size });
        }
        const bytes =
          range.kind === 'partial' ? { start: range.start, end: range.end } : { start: 0, end: size - 1 };
        reply.header('content-type', contentTypeOf(mediaType));
        // A browser saves it rather than renders it; the name is the hash, never a title.
        reply.header('content-disposition', `attachment; filename="${sha256}.${MEDIA_TYPES[mediaType]}"`);
        reply.header('x-content-type-options', 'nosniff');
        reply.header('content-length', String(bytes.end - bytes.start + 1));
        if (range.kind === 'partial') {
          reply.status(206);
          reply.header('content-range', `bytes ${bytes.start}-${bytes.end}/${size}`);
        }
        if (request.method === 'HEAD') return reply.send();
        const stream = await deps.files.get(sha256, bytes);
        if (!stream) throw new HubError('FILE_NOT_FOUND', undefined, { referralId: id, sha256 });
        return reply.send(stream);
      },
    });
  };
}

function refusedSniffed(sniffed: string): HubError {
  return new HubError('FILE_TYPE_REFUSED', `the bytes are ${sniffed}, which is not accepted`, { sniffed });
}

function refusedDeclared(declared: string | undefined): HubError {
  const named = declared ?? 'none';
  return new HubError('FILE_TYPE_REFUSED', `Content-Type ${named} is not a file type accepted here`, {
    declared: named,
  });
}

function contentTypeOf(mediaType: MediaType): string {
  return mediaType.startsWith('text/') ? `${mediaType}; charset=utf-8` : mediaType;
}

/** Text was decided on the first chunk; every later byte must keep it so, or the upload is refused. */
async function* textOnly(source: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  const check = createTextCheck();
  for await (const piece of source) {
    if (!check.update(piece)) break;
    yield piece;
  }
  if (!check.end()) throw refusedSniffed('application/octet-stream');
}
