import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { TestHub } from './test-hub.js';

export const MiB = 1024 * 1024;

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Bytes that sniff as a PDF: the magic, then random bytes (unique per call). */
export function pdfBytes(size: number): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(Math.max(0, size - 9))]);
}

/** A one-pixel PNG: the signature, an IHDR chunk, an IEND chunk. */
export const pngBytes = () =>
  Buffer.from(
    '89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000049454e44ae426082',
    'hex',
  );

/** A ZIP archive of stored (uncompressed) entries, enough for OFD and Office detection. */
export function zipOf(entries: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.from(content);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const CONTENT_TYPES = (main: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/main.xml" ContentType="${main}"/></Types>`;

export const docxBytes = () =>
  zipOf({
    '[Content_Types].xml': CONTENT_TYPES(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
    ),
    'word/document.xml': '<w:document/>',
  });

export const ofdBytes = () =>
  zipOf({
    'OFD.xml': '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" DocType="OFD"/>',
    'Doc_0/Document.xml': '<x/>',
  });

/** Uploads `body` as an agency through inject (whole body at once). */
export async function upload(
  hub: TestHub,
  as: string,
  body: Buffer | Readable,
  headers: Record<string, string> = {},
) {
  const response = await hub.app.inject({
    method: 'POST',
    url: '/v1/files',
    headers: {
      authorization: `Bearer ${hub.keys[as]}`,
      'content-type': 'application/octet-stream',
      ...headers,
    },
    payload: body,
  });
  return { status: response.statusCode, body: response.json() as Record<string, any> };
}

/** Downloads through inject: the bytes and headers. */
export async function download(hub: TestHub, as: string, url: string, headers: Record<string, string> = {}) {
  const response = await hub.app.inject({
    method: 'GET',
    url,
    headers: { authorization: `Bearer ${hub.keys[as]}`, ...headers },
  });
  return { status: response.statusCode, bytes: response.rawPayload, headers: response.headers };
}

/** The gateway on a real port, for tests that need a socket (stalls, truncation, streaming sizes). */
export async function listen(hub: TestHub): Promise<{ host: string; port: number }> {
  if (!hub.app.server.listening) await hub.app.listen({ host: '127.0.0.1', port: 0 });
  const address = hub.app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening');
  return { host: '127.0.0.1', port: address.port };
}

/** A streamed HTTP request: `body` is piped as it is produced; the answer is read as JSON. */
export function streamRequest(
  target: { host: string; port: number },
  options: { method: string; path: string; headers: Record<string, string>; body?: Readable },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; response: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ ...target, ...options }, (response) =>
      resolve({ status: response.statusCode ?? 0, headers: response.headers, response }),
    );
    request.on('error', reject);
    if (options.body) options.body.pipe(request);
    else request.end();
  });
}

/** `total` bytes of a PDF produced piece by piece (never held whole), hashing what it yields. */
export function generatedPdf(total: number, piece = 256 * 1024) {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const size = Math.min(piece, total - sent);
      const bytes =
        sent === 0 ? Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]) : randomBytes(size);
      sent += size;
      hash.update(bytes);
      this.push(bytes);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}
