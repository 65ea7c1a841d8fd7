import { describe, expect, it } from 'vitest';
import { createTextCheck, zipHasRootEntry } from '../../gateway/file-sniff.js';
import { noneMatch, parseRange, rangeStillValid } from '../../gateway/http-range.js';
import { checkReferralFileLimits, declaredMediaType, Sha256Schema } from '../../schemas/files.js';
import { zipOf } from '../helpers/files.js';

const file = (sha256: string, size: number) => ({ sha256, size });

describe('checkReferralFileLimits', () => {
  const limits = { maxBytes: 100, maxCount: 3 };

  it('accepts files within both limits and counts a file listed twice once', () => {
    expect(
      checkReferralFileLimits([file('a', 40)], [file('b', 30), file('a', 40), file('c', 30)], limits),
    ).toEqual({ ok: true, count: 3, bytes: 100 });
  });

  it('refuses one byte over the size limit with REFERRAL_FILES_TOO_LARGE (413)', () => {
    const check = checkReferralFileLimits([file('a', 40)], [file('b', 61)], limits);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect([check.error.code, check.error.status]).toEqual(['REFERRAL_FILES_TOO_LARGE', 413]);
      expect(check.error.details).toEqual({ bytes: 101, maxBytes: 100 });
    }
  });

  it('refuses one file over the count with REFERRAL_FILES_TOO_MANY (413)', () => {
    const check = checkReferralFileLimits([file('a', 1), file('b', 1), file('c', 1)], [file('d', 1)], limits);
    expect(!check.ok && check.error.code).toBe('REFERRAL_FILES_TOO_MANY');
  });
});

describe('parseRange', () => {
  it.each([
    [undefined, { kind: 'full' }],
    ['bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=10-', { kind: 'partial', start: 10, end: 999 }],
    ['bytes=990-5000', { kind: 'partial', start: 990, end: 999 }],
    ['bytes=-10', { kind: 'partial', start: 990, end: 999 }],
    ['bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-3', { kind: 'full' }],
    ['bytes=0-1,4-5', { kind: 'full' }],
    ['items=0-1', { kind: 'full' }],
    ['bytes=-', { kind: 'full' }],
  ])('reads %s of a 1000-byte file', (header, answer) => {
    expect(parseRange(header, 1000)).toEqual(answer);
  });
});

describe('conditional requests', () => {
  it('matches If-None-Match weakly, in a list, and *', () => {
    expect(noneMatch('"abc"', '"abc"')).toBe(true);
    expect(noneMatch('W/"abc"', '"abc"')).toBe(true);
    expect(noneMatch('"x", "abc"', '"abc"')).toBe(true);
    expect(noneMatch('*', '"abc"')).toBe(true);
    expect(noneMatch('"abd"', '"abc"')).toBe(false);
    expect(noneMatch(undefined, '"abc"')).toBe(false);
  });

  it('keeps a Range only when If-Range is absent or the same strong ETag', () => {
    expect(rangeStillValid(undefined, '"abc"')).toBe(true);
    expect(rangeStillValid('"abc"', '"abc"')).toBe(true);
    expect(rangeStillValid('W/"abc"', '"abc"')).toBe(false);
    expect(rangeStillValid('Wed, 21 Oct 2015 07:28:00 GMT', '"abc"')).toBe(false);
  });
});

describe('zipHasRootEntry', () => {
  it('finds OFD.xml after other entries, and only at the root', () => {
    expect(zipHasRootEntry(zipOf({ 'Doc_0/Document.xml': '<x/>', 'OFD.xml': '<ofd/>' }), 'OFD.xml')).toBe(
      true,
    );
    expect(zipHasRootEntry(zipOf({ 'Doc_0/OFD.xml': '<ofd/>' }), 'OFD.xml')).toBe(false);
    expect(zipHasRootEntry(Buffer.from('not a zip at all, but long enough for a header'), 'OFD.xml')).toBe(
      false,
    );
  });

  it('skips an entry whose size is only in a data descriptor', () => {
    const zip = zipOf({ 'Doc_0/Document.xml': '<doc>PK</doc>', 'OFD.xml': '<ofd/>' });
    // Mark the first entry as streamed: flag bit 3 set, sizes zero in its local header.
    zip.writeUInt16LE(0x08, 6);
    zip.writeUInt32LE(0, 18);
    expect(zipHasRootEntry(zip, 'OFD.xml')).toBe(true);
  });
});

describe('createTextCheck', () => {
  it('accepts UTF-8 split anywhere, even inside a character', () => {
    const bytes = Buffer.from('移送材料\t第一页\f第二页\r\n');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const check = createTextCheck();
      expect(check.update(bytes.subarray(0, cut)) && check.update(bytes.subarray(cut)) && check.end()).toBe(
        true,
      );
    }
  });

  it.each([
    ['a NUL', Buffer.from('a\u0000b')],
    ['a bell', Buffer.from('a\u0007b')],
    ['a C1 control', Buffer.from('a\u0085b')],
    ['an invalid byte', Buffer.from([0x61, 0xff])],
    ['a character cut off at the end', Buffer.from('移').subarray(0, 2)],
  ])('refuses %s', (_name, bytes) => {
    const check = createTextCheck();
    expect(check.update(bytes) && check.end()).toBe(false);
  });
});

describe('Sha256Schema', () => {
  it('reads upper case as the same hash and refuses anything else', () => {
    expect(Sha256Schema.parse('AB'.repeat(32))).toBe('ab'.repeat(32));
    expect(Sha256Schema.safeParse('ab'.repeat(31)).success).toBe(false);
    expect(Sha256Schema.safeParse(`${'ab'.repeat(31)}zz`).success).toBe(false);
  });
});

describe('declaredMediaType', () => {
  it('keeps the type without its parameters, lower-cased, and names anything else invalid', () => {
    expect(declaredMediaType('Text/CSV; charset=utf-8')).toBe('text/csv');
    expect(declaredMediaType(undefined)).toBe(undefined);
    expect(declaredMediaType(' ')).toBe(undefined);
    expect(declaredMediaType('text/<script>')).toBe('invalid');
    expect(declaredMediaType('a'.repeat(100))).toBe('invalid');
  });
});
