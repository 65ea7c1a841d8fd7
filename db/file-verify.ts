import type { Db } from './connection.js';
import type { FileStore, VerifyResult } from './file-store.js';
import { listStoredFiles, storedTotals } from './files.js';

export type VerifyProgress = { files: number; totalFiles: number; bytes: number; totalBytes: number };
export type VerifyReport = { files: number; bytes: number; broken: VerifyResult[] };

/**
 * Re-hashes every stored file (`hub files verify`), in hash order, a page of the catalogue at a time;
 * `onProgress` hears of every chunk read. A file whose bytes no longer hash to its address is listed.
 */
export async function verifyStoredFiles(
  db: Db,
  store: FileStore,
  onProgress: (progress: VerifyProgress) => void = () => {},
): Promise<VerifyReport> {
  const totals = await storedTotals(db);
  const progress: VerifyProgress = { files: 0, totalFiles: totals.files, bytes: 0, totalBytes: totals.bytes };
  const broken: VerifyResult[] = [];
  let after = '';
  for (;;) {
    const page = await listStoredFiles(db, after, 100);
    if (page.length === 0) break;
    for (const file of page) {
      const result = await store.verify(file.sha256, (bytes) => {
        progress.bytes += bytes;
        onProgress(progress);
      });
      if (result && !result.ok) broken.push(result);
      progress.files += 1;
      onProgress(progress);
    }
    after = page.at(-1)!.sha256;
  }
  return { files: progress.files, bytes: progress.bytes, broken };
}
