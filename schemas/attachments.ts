import type { DecisionContext, Loaded } from './decision-context.js';
import { HubError } from './errors.js';
import { fileDownloadPath } from './files.js';
import type { Document } from './referral.js';

/** A document as the ledger lists it and every message carries it: its file's hash, size, type and URL. */
export type AttachedDocument = Document & { size?: number; mediaType?: string; url?: string };

/** A file linked to a referral by the step that attaches it. */
export type FileLink = { sha256: string; documentType: string; title: string };

/**
 * Decree 310 Art 6: the package travels with the referral. Each document names a file the acting agency
 * uploaded itself (or is marked paper-only, delivered physically); the referral's files stay within the
 * limits. Returns the documents as the ledger lists them and the links to write.
 */
export function attachDocuments(
  ctx: DecisionContext,
  referralId: string,
  documents: readonly Document[],
  loaded: Loaded,
): { documents: AttachedDocument[]; links: FileLink[] } {
  const uploads = loaded.uploads ?? new Map();
  const attached: AttachedDocument[] = [];
  const links: FileLink[] = [];
  documents.forEach((doc, index) => {
    if (doc.paper === true) {
      attached.push(doc);
      return;
    }
    const file = uploads.get(doc.sha256);
    if (!file) {
      throw new HubError(
        'DOCUMENT_NOT_UPLOADED',
        `documents.${index} (${doc.title}): ${doc.sha256} was not uploaded by this agency`,
        {
          path: `documents.${index}`,
          sha256: doc.sha256,
        },
      );
    }
    attached.push({
      ...doc,
      size: file.size,
      mediaType: file.mediaType,
      url: fileDownloadPath(referralId, doc.sha256),
    });
    links.push({ sha256: doc.sha256, documentType: doc.type, title: doc.title });
  });
  checkLimits(ctx, loaded, links, uploads);
  return { documents: attached, links };
}

function checkLimits(
  ctx: DecisionContext,
  loaded: Loaded,
  links: readonly FileLink[],
  uploads: ReadonlyMap<string, { size: number }>,
): void {
  const sizes = new Map<string, number>();
  for (const f of loaded.files ?? []) sizes.set(f.sha256, f.size);
  for (const l of links) sizes.set(l.sha256, uploads.get(l.sha256)?.size ?? 0);
  const bytes = [...sizes.values()].reduce((sum, n) => sum + n, 0);
  if (sizes.size > ctx.fileLimits.maxCount) {
    throw new HubError('REFERRAL_FILES_TOO_MANY', undefined, {
      count: sizes.size,
      maxCount: ctx.fileLimits.maxCount,
    });
  }
  if (bytes > ctx.fileLimits.maxBytes) {
    throw new HubError('REFERRAL_FILES_TOO_LARGE', undefined, { bytes, maxBytes: ctx.fileLimits.maxBytes });
  }
}

/** The files a referral carries, as references for whoever now holds the case (a forward, a decline). */
export function carriedFiles(referralId: string, loaded: Loaded): AttachedDocument[] {
  return (loaded.files ?? []).map((f) => ({
    type: (f.documentType ?? 'other') as Document['type'],
    title: f.title ?? f.sha256,
    sha256: f.sha256,
    size: f.size,
    mediaType: f.mediaType,
    url: fileDownloadPath(referralId, f.sha256),
  }));
}
