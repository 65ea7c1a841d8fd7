import { createHash } from 'node:crypto';
import http from 'node:http';
import { generatedPdf } from './files.js';

/**
 * An agency's HTTP client in a process of its own, so that a test measures the hub's memory and not the
 * client's: `upload <url> <key> <bytes>` streams a generated PDF; `download <url> <key>` hashes what comes.
 * Prints one JSON line.
 */
const [mode, url = '', key = '', size = '0'] = process.argv.slice(2);

function request(method: string, headers: Record<string, string>) {
  return http.request(url, { method, headers: { authorization: `Bearer ${key}`, ...headers } });
}

if (mode === 'upload') {
  const source = generatedPdf(Number(size));
  const req = request('POST', { 'content-type': 'application/pdf', 'content-length': size });
  req.on('response', async (response) => {
    const pieces: Buffer[] = [];
    for await (const piece of response) pieces.push(piece as Buffer);
    const body = JSON.parse(Buffer.concat(pieces).toString());
    console.log(JSON.stringify({ status: response.statusCode, body, sent: source.digest() }));
  });
  source.stream.pipe(req);
} else {
  request('GET', {})
    .on('response', async (response) => {
      const hash = createHash('sha256');
      let received = 0;
      for await (const piece of response) {
        hash.update(piece as Buffer);
        received += (piece as Buffer).length;
      }
      const length = response.headers['content-length'];
      console.log(
        JSON.stringify({ status: response.statusCode, length, received, sha256: hash.digest('hex') }),
      );
    })
    .end();
}
