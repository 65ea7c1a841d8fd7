import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesUploadedBy } from '../db/files.js';
import { docxBytes, MiB, ofdBytes, pdfBytes, pngBytes, sha256, upload, zipOf } from './helpers/files.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';

let hub: TestHub;
const MAX = 3 * MiB;

beforeAll(async () => {
  hub = await createTestHub({ env: { FILE_MAX_BYTES: String(MAX) } });
});
afterAll(async () => {
  await hub?.close();
});

async function counts() {
  const files = await hub.db
    .selectFrom('files')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const chunks = await hub.db
    .selectFrom('file_chunks')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return { files: Number(files.n), chunks: Number(chunks.n) };
}

describe('POST /v1/files', () => {
  it('stores a file under its SHA-256 and answers its size and sniffed media type', async () => {
    const bytes = pdfBytes(2 * MiB + 17);
    const answer = await upload(hub, 'enf-a', bytes);
    expect(answer).toEqual({
      status: 201,
      body: { sha256: sha256(bytes), size: bytes.length, mediaType: 'application/pdf' },
    });
    const row = await hub.db
      .selectFrom('files')
      .selectAll()
      .where('sha256', '=', sha256(bytes))
      .executeTakeFirst();
    expect(row).toMatchObject({
      uploaded_by: 'enf-a',
      media_type: 'application/pdf',
      size: String(bytes.length),
    });
    expect(await filesUploadedBy(hub.db, 'enf-a', [sha256(bytes)])).toHaveLength(1);
  });

  it('stores the same bytes once: a second upload answers 200 and writes no chunk', async () => {
    const bytes = pdfBytes(2 * MiB + 5);
    expect((await upload(hub, 'enf-a', bytes)).status).toBe(201);
    const before = await counts();
    const again = await upload(hub, 'enf-b', bytes);
    expect(again).toEqual({
      status: 200,
      body: { sha256: sha256(bytes), size: bytes.length, mediaType: 'application/pdf' },
    });
    const declared = await upload(hub, 'enf-a', bytes, { 'x-content-sha256': sha256(bytes).toUpperCase() });
    expect(declared.status).toBe(200);
    expect(await counts()).toEqual(before);
    // enf-b proved it has the bytes, so it may attach them too; pol-a did not.
    expect((await filesUploadedBy(hub.db, 'enf-b', [sha256(bytes)])).map((f) => f.sha256)).toEqual([
      sha256(bytes),
    ]);
    expect(await filesUploadedBy(hub.db, 'pol-a', [sha256(bytes)])).toEqual([]);
  });

  it('refuses bytes whose hash differs from X-Content-SHA256 and stores nothing', async () => {
    const stored = pdfBytes(1000);
    await upload(hub, 'enf-a', stored);
    const before = await counts();
    // A hash of other bytes, stored or not: nobody claims a file they do not have.
    for (const declared of [sha256(stored), sha256(Buffer.from('other'))]) {
      const answer = await upload(hub, 'enf-b', pdfBytes(MiB + 3), { 'x-content-sha256': declared });
      expect(answer.status).toBe(422);
      expect(answer.body.code).toBe('FILE_HASH_MISMATCH');
      expect(answer.body.details.declared).toBe(declared);
    }
    expect(await counts()).toEqual(before);
    expect(await filesUploadedBy(hub.db, 'enf-b', [sha256(stored)])).toEqual([]);
  });

  it('refuses a malformed declared hash as a validation error', async () => {
    const answer = await upload(hub, 'enf-a', pdfBytes(100), { 'x-content-sha256': 'abc' });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a zero-byte file', async () => {
    const answer = await upload(hub, 'enf-a', Buffer.alloc(0));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('FILE_EMPTY');
    const streamed = await upload(hub, 'enf-a', Readable.from([]), { 'transfer-encoding': 'chunked' });
    expect(streamed.body.code).toBe('FILE_EMPTY');
  });

  it.each([
    [
      'an ELF executable',
      Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), randomBytes(4000)]),
      'application/x-elf',
    ],
    ['a GIF', Buffer.concat([Buffer.from('GIF89a'), randomBytes(400)]), 'image/gif'],
    ['a plain ZIP', zipOf({ 'a.txt': 'hello' }), 'application/zip'],
    ['random bytes', Buffer.concat([Buffer.from([0, 1, 2]), randomBytes(5000)]), 'application/octet-stream'],
    ['text with a NUL', Buffer.from('案件材料\u0000说明'), 'application/octet-stream'],
    ['text that is not UTF-8', Buffer.from([0x41, 0xc3, 0x28, 0x42]), 'application/octet-stream'],
  ])('refuses %s with 415 naming the sniffed type', async (_name, bytes, sniffed) => {
    const before = await counts();
    const answer = await upload(hub, 'enf-a', bytes, { 'content-type': 'application/pdf' });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ code: 'FILE_TYPE_REFUSED', details: { sniffed } });
    expect(answer.body.message).toContain(sniffed);
    expect(await counts()).toEqual(before);
  });

  it('refuses text whose later chunk holds a control character, after the first chunk passed', async () => {
    const bytes = Buffer.concat([Buffer.alloc(MiB + 10, 'a'), Buffer.from([0x07]), Buffer.from('尾')]);
    const before = await counts();
    const answer = await upload(hub, 'enf-a', bytes);
    expect(answer.body).toMatchObject({
      code: 'FILE_TYPE_REFUSED',
      details: { sniffed: 'application/octet-stream' },
    });
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['an OFD (ZIP with OFD.xml at its root)', 'application/ofd', ofdBytes()],
    ['a DOCX', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', docxBytes()],
    ['plain UTF-8 text', 'text/plain', Buffer.from('涉案物品清单\n1. 假冒商标服装 200 件\t仓库\f\r\n')],
    ['a PNG', 'image/png', pngBytes()],
    ['a JPEG', 'image/jpeg', Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), randomBytes(200)])],
    ['a TIFF', 'image/tiff', Buffer.concat([Buffer.from('49492a00080000000000', 'hex'), randomBytes(200)])],
  ])('accepts %s as %s', async (_name, mediaType, bytes) => {
    const answer = await upload(hub, 'enf-a', bytes);
    expect(answer.status).toBe(201);
    expect(answer.body.mediaType).toBe(mediaType);
  });

  it('records text declared as CSV as text/csv', async () => {
    const answer = await upload(hub, 'enf-a', Buffer.from('编号,名称\n1,假冒商品\n'), {
      'content-type': 'text/csv; charset=utf-8',
    });
    expect(answer.body.mediaType).toBe('text/csv');
  });

  it('refuses a declared Content-Type that is not a file type, and JSON, with 415', async () => {
    const gif = await upload(hub, 'enf-a', pdfBytes(100), { 'content-type': 'image/gif' });
    expect(gif.body).toMatchObject({ code: 'FILE_TYPE_REFUSED', details: { declared: 'image/gif' } });
    const json = await upload(hub, 'enf-a', Buffer.from('{"a":1}'), { 'content-type': 'application/json' });
    expect(json.body).toMatchObject({ code: 'FILE_TYPE_REFUSED', details: { declared: 'application/json' } });
  });

  it('refuses a file over FILE_MAX_BYTES with 413, by its Content-Length or as it streams', async () => {
    const before = await counts();
    const declared = await upload(hub, 'enf-a', pdfBytes(MAX + 1));
    expect(declared).toMatchObject({
      status: 413,
      body: { code: 'FILE_TOO_LARGE', details: { maxBytes: MAX } },
    });
    const big = pdfBytes(MAX + 1);
    const streamed = await upload(hub, 'enf-a', Readable.from([big.subarray(0, MiB), big.subarray(MiB)]), {
      'transfer-encoding': 'chunked',
    });
    expect(streamed).toMatchObject({ status: 413, body: { code: 'FILE_TOO_LARGE' } });
    expect(await counts()).toEqual(before);
    expect((await upload(hub, 'enf-a', pdfBytes(MAX))).status).toBe(201);
  });

  it('refuses an upload without an API key', async () => {
    const answer = await hub.app.inject({ method: 'POST', url: '/v1/files', payload: pdfBytes(10) });
    expect(answer.statusCode).toBe(401);
  });

  it('leaves the JSON routes as they were: a text body to them is still a 415', async () => {
    const answer = await hub.request('enf-a', 'POST', '/v1/referrals', 'x', { 'content-type': 'text/plain' });
    expect(answer.status).toBe(415);
    expect(answer.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});
