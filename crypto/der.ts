/**
 * The little DER (ITU-T X.690) and PEM (RFC 7468) that SM2 key files need. Node cannot be trusted with SM2
 * key files: its KeyObject for them has no asymmetricKeyType, refuses JWK and aborts the whole process on
 * a SEC1 export (a C++ assertion, not an exception), so SM2 keys are read and written here.
 */
export type Tlv = { tag: number; value: Buffer; end: number };

export class DerError extends Error {
  constructor(reason: string) {
    super(`malformed key: ${reason}`);
    this.name = 'DerError';
  }
}

export const TAG = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  sequence: 0x30,
  context0: 0xa0,
  context1: 0xa1,
} as const;

/** One tag-length-value at `offset`: single-byte tags and definite, minimal lengths only (X.690 §10.1). */
export function readTlv(bytes: Buffer, offset = 0): Tlv {
  const tag = bytes[offset];
  let length = bytes[offset + 1];
  if (tag === undefined || length === undefined) throw new DerError('truncated');
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3) throw new DerError('unsupported length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[start + i] ?? Number.NaN);
    start += count;
    if (Number.isNaN(length) || length < 0x80 || length < 256 ** (count - 1)) throw new DerError('length');
  }
  const end = start + length;
  if (end > bytes.length) throw new DerError('truncated');
  return { tag, value: bytes.subarray(start, end), end };
}

/** Every element inside a constructed value's content, in order. */
export function readChildren(content: Buffer): Tlv[] {
  const children: Tlv[] = [];
  for (let offset = 0; offset < content.length; offset = children.at(-1)?.end ?? content.length) {
    children.push(readTlv(content, offset));
  }
  return children;
}

/** The whole of `bytes` as one TLV of `tag`, with nothing after it. */
export function readOnly(bytes: Buffer, tag: number, what: string): Tlv {
  const tlv = readTlv(bytes);
  if (tlv.tag !== tag || tlv.end !== bytes.length) throw new DerError(what);
  return tlv;
}

export function encodeTlv(tag: number, ...contents: Uint8Array[]): Buffer {
  const value = Buffer.concat(contents);
  const n = value.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), value]);
}

/** RFC 7468 §2: the base64 between the BEGIN and END lines of `label`. */
export function pemDecode(pem: string, label: 'PRIVATE KEY' | 'PUBLIC KEY'): Buffer {
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!match?.[1]) throw new DerError(`no "${label}" PEM block`);
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

/** RFC 7468 §2: base64 in lines of 64 characters, as OpenSSL writes it. */
export function pemEncode(der: Uint8Array, label: 'PRIVATE KEY' | 'PUBLIC KEY'): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
