import { z } from 'zod';
import { HubError } from './errors.js';

/** A file's address: the SHA-256 of its bytes, lower-case hex (an upper-case one is read as the same). */
export const Sha256Schema = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 in hex (64 characters)')
  .transform((value) => value.toLowerCase());

/**
 * The media types the hub carries (issue 13), each as it is sniffed from the bytes. OFD is GB/T 33190's
 * ZIP container with OFD.xml at its root; text and CSV are UTF-8 without control characters.
 */
export const MEDIA_TYPES = {
  'application/pdf': 'pdf',
  'application/ofd': 'ofd',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/tiff': 'tif',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
} as const;

export type MediaType = keyof typeof MEDIA_TYPES;
export const MediaTypeSchema = z.enum(Object.keys(MEDIA_TYPES) as [MediaType, ...MediaType[]]);

export function isAcceptedMediaType(value: string): value is MediaType {
  return Object.hasOwn(MEDIA_TYPES, value);
}

/** What an upload answers, and what a referral lists for each of its files. */
export const StoredFileSchema = z.object({
  sha256: z.string(),
  size: z.number().int().positive(),
  mediaType: MediaTypeSchema,
});
export type StoredFile = z.infer<typeof StoredFileSchema>;

// RFC 6838 restricted names: what a media type may be; anything else is not echoed back.
const MEDIA_TYPE_TOKEN = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;

/**
 * The type a client declared in Content-Type, without parameters and lower-cased: a hint (CSV or plain
 * text), never trusted for the bytes. 'invalid' when it is not a media type at all.
 */
export function declaredMediaType(header: string | undefined): string | undefined {
  const essence = header?.split(';')[0]?.trim().toLowerCase();
  if (!essence) return undefined;
  return MEDIA_TYPE_TOKEN.test(essence) ? essence : 'invalid';
}

export const UploadHeadersSchema = z.object({ 'x-content-sha256': Sha256Schema.optional() });

/** Where a party downloads a referral's file (the claim check a message carries). */
export function fileDownloadPath(referralId: string, sha256: string): string {
  return `/v1/referrals/${referralId}/files/${sha256}`;
}

export type ReferralFileLimits = { maxBytes: number; maxCount: number };
export type LimitCheck = { ok: true; count: number; bytes: number } | { ok: false; error: HubError };

/**
 * Whether a referral that already carries `current` may also carry `adding` (issue 13: at most 1 GB and
 * 500 files by default). A file counts once however often it is listed: the same bytes are stored once.
 */
export function checkReferralFileLimits(
  current: readonly Pick<StoredFile, 'sha256' | 'size'>[],
  adding: readonly Pick<StoredFile, 'sha256' | 'size'>[],
  limits: ReferralFileLimits,
): LimitCheck {
  const sizes = new Map<string, number>();
  for (const file of [...current, ...adding]) sizes.set(file.sha256, file.size);
  const count = sizes.size;
  const bytes = [...sizes.values()].reduce((sum, size) => sum + size, 0);
  if (count > limits.maxCount) {
    return {
      ok: false,
      error: new HubError('REFERRAL_FILES_TOO_MANY', undefined, { count, maxCount: limits.maxCount }),
    };
  }
  if (bytes > limits.maxBytes) {
    return {
      ok: false,
      error: new HubError('REFERRAL_FILES_TOO_LARGE', undefined, { bytes, maxBytes: limits.maxBytes }),
    };
  }
  return { ok: true, count, bytes };
}
