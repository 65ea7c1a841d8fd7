import { fileTypeFromBuffer } from 'file-type';
import { isAcceptedMediaType, type MediaType } from '../schemas/files.js';

export type Sniffed = { ok: true; mediaType: MediaType } | { ok: false; sniffed: string };

const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const UNKNOWN = 'application/octet-stream';

/**
 * The media type of a file from its first bytes (`head`, up to a chunk; `complete` when that is the whole
 * file), never from what the client says, but for telling CSV from plain text. Only the hub's list passes.
 */
export async function sniffMediaType(
  head: Buffer,
  options: { complete: boolean; declared: string | undefined },
): Promise<Sniffed> {
  // GB/T 33190: an OFD is a ZIP container whose root holds OFD.xml; file-type calls it a zip.
  if (head.subarray(0, 4).equals(ZIP_LOCAL_HEADER) && zipHasRootEntry(head, 'OFD.xml')) {
    return { ok: true, mediaType: 'application/ofd' };
  }
  const found = await fileTypeFromBuffer(head).catch(() => undefined);
  if (found)
    return isAcceptedMediaType(found.mime) ? { ok: true, mediaType: found.mime } : refuse(found.mime);
  // file-type names no text format: text is what decodes as UTF-8 without control characters.
  const text = createTextCheck();
  if (text.update(head) && (!options.complete || text.end())) {
    return { ok: true, mediaType: options.declared === 'text/csv' ? 'text/csv' : 'text/plain' };
  }
  return refuse(UNKNOWN);
}

function refuse(sniffed: string): Sniffed {
  return { ok: false, sniffed };
}

// NUL and the C0 and C1 controls, DEL; tab, line breaks and form feed (a page break in printed text) pass.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F]/;

export type TextCheck = { update(bytes: Uint8Array): boolean; end(): boolean };

/** Streams bytes through a strict UTF-8 decoder: false from the first invalid sequence or control on. */
export function createTextCheck(): TextCheck {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let ok = true;
  return {
    update(bytes) {
      if (!ok) return false;
      try {
        ok = !CONTROL.test(decoder.decode(bytes, { stream: true }));
      } catch {
        ok = false;
      }
      return ok;
    },
    end() {
      if (!ok) return false;
      try {
        ok = !CONTROL.test(decoder.decode());
      } catch {
        ok = false;
      }
      return ok;
    },
  };
}

/**
 * Whether a ZIP's local file headers within `head` include `name` at the root. Walks header to header; an
 * entry whose size is only in a trailing data descriptor is skipped by finding the next header.
 */
export function zipHasRootEntry(head: Buffer, name: string): boolean {
  let offset = 0;
  for (let entries = 0; entries < 10_000 && offset + 30 <= head.length; entries++) {
    if (!head.subarray(offset, offset + 4).equals(ZIP_LOCAL_HEADER)) return false;
    const flags = head.readUInt16LE(offset + 6);
    const compressedSize = head.readUInt32LE(offset + 18);
    const nameLength = head.readUInt16LE(offset + 26);
    const extraLength = head.readUInt16LE(offset + 28);
    if (head.toString('utf8', offset + 30, offset + 30 + nameLength) === name) return true;
    const data = offset + 30 + nameLength + extraLength;
    const hasDescriptor = (flags & 0x08) !== 0;
    if (!hasDescriptor) {
      offset = data + compressedSize;
      continue;
    }
    const nextHeader = head.indexOf(ZIP_LOCAL_HEADER, data + compressedSize);
    if (nextHeader < 0) return false;
    offset = nextHeader;
  }
  return false;
}
