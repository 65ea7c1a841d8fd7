import net from 'node:net';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, MiB, pdfBytes, sha256, upload } from './helpers/files.js';
import { createTestHub, type TestHub, waitFor } from './helpers/test-hub.js';

let hub: TestHub;
const IDLE_MS = 1500;

beforeAll(async () => {
  hub = await createTestHub({ env: { FILE_IDLE_TIMEOUT_MS: String(IDLE_MS) } });
});
afterAll(async () => {
  await hub?.close();
});

async function counts() {
  const row = await sql<{ files: number; chunks: number }>`
    SELECT (SELECT count(*) FROM files)::int AS files, (SELECT count(*) FROM file_chunks)::int AS chunks`.execute(
    hub.db,
  );
  return row.rows[0]!;
}

/** Uploads in this test's database whose COPY into file_chunks is under way. */
async function openUploads(): Promise<number> {
  const row = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND query LIKE 'COPY file_chunks %'`.execute(hub.db);
  return row.rows[0]!.n;
}

/** A raw HTTP upload on a socket: the headers claim `declared` bytes; `sent` of them are written. */
async function partialUpload(bytes: Buffer, sent: number) {
  const target = await listen(hub);
  const socket = net.connect(target.port, target.host);
  let answer = '';
  socket.on('data', (data) => {
    answer += data.toString('latin1');
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => {});
  socket.write(
    [
      'POST /v1/files HTTP/1.1',
      `Host: ${target.host}`,
      `Authorization: Bearer ${hub.keys['enf-a']}`,
      'Content-Type: application/pdf',
      `Content-Length: ${bytes.length}`,
      '',
      '',
    ].join('\r\n'),
  );
  socket.write(bytes.subarray(0, sent));
  return { socket, closed, answer: () => answer };
}

describe('uploads that do not finish', () => {
  it('times out a client that stalls mid-upload with 408, and nothing of it is stored', async () => {
    const before = await counts();
    const bytes = pdfBytes(3 * MiB);
    const started = Date.now();
    const client = await partialUpload(bytes, 1.5 * MiB);
    // The upload got as far as writing chunks in its transaction before the client stalled.
    await waitFor(async () => (await openUploads()) > 0, 'the upload transaction', 5000);
    await waitFor(() => client.answer().length > 0, 'the 408', IDLE_MS + 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS);
    expect(client.answer()).toMatch(/^HTTP\/1\.1 408/);
    expect(client.answer()).toContain('UPLOAD_TIMED_OUT');
    expect(client.answer().toLowerCase()).toContain('connection: close');
    await client.closed;
    await waitFor(async () => (await openUploads()) === 0, 'the rollback', 5000);
    expect(await counts()).toEqual(before);
    expect((await upload(hub, 'enf-a', bytes)).status).toBe(201);
  });

  it.each([
    ['closes the connection', (socket: net.Socket) => socket.destroy()],
    ['half-closes it', (socket: net.Socket) => socket.end()],
  ])('stores nothing when the client %s before Content-Length bytes arrived', async (_how, stop) => {
    const before = await counts();
    const bytes = pdfBytes(3 * MiB);
    const client = await partialUpload(bytes, 2 * MiB);
    await waitFor(async () => (await openUploads()) > 0, 'the upload transaction', 5000);
    stop(client.socket);
    await client.closed;
    await waitFor(async () => (await openUploads()) === 0, 'the rollback', 5000);
    expect(await counts()).toEqual(before);
    expect((await upload(hub, 'enf-a', bytes)).status).toBe(201);
  });

  it('answers 400 UPLOAD_INCOMPLETE to a body shorter than its Content-Length', async () => {
    const before = await counts();
    const bytes = pdfBytes(2 * MiB);
    const answer = await upload(hub, 'enf-a', Readable.from([bytes.subarray(0, 1.5 * MiB)]), {
      'content-length': String(bytes.length),
    });
    expect(answer).toMatchObject({ status: 400, body: { code: 'UPLOAD_INCOMPLETE' } });
    expect(await counts()).toEqual(before);
  });
});

describe('parallel uploads of the same bytes', () => {
  it('answer the same hash, one 201 and the rest 200, with one copy stored', async () => {
    const before = await counts();
    const bytes = pdfBytes(3 * MiB + 100);
    const cut = 2.5 * MiB;
    // Each upload sends most of the file, then waits until all are that far: their transactions overlap.
    let arrived = 0;
    let release: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gated = () =>
      Readable.from(
        (async function* () {
          yield bytes.subarray(0, MiB);
          yield bytes.subarray(MiB, cut);
          arrived += 1;
          if (arrived === 3) release();
          await barrier;
          yield bytes.subarray(cut);
        })(),
      );
    const answers = await Promise.all(
      ['enf-a', 'enf-b', 'enf-a-east'].map((as) =>
        upload(hub, as, gated(), { 'content-length': String(bytes.length) }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    for (const answer of answers)
      expect(answer.body).toEqual({
        sha256: sha256(bytes),
        size: bytes.length,
        mediaType: 'application/pdf',
      });
    expect(await counts()).toEqual({ files: before.files + 1, chunks: before.chunks + 4 });
    const uploaders = await hub.db
      .selectFrom('file_uploads')
      .select('agency_code')
      .where('sha256', '=', sha256(bytes))
      .execute();
    expect(uploaders.map((u) => u.agency_code).sort()).toEqual(['enf-a', 'enf-a-east', 'enf-b']);
  });
});
