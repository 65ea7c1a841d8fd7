import { z } from 'zod';
import { AgencySchema, RegionCodeSchema } from '../schemas/agency.js';
import { upsertAgency } from './agencies.js';
import type { Db } from './connection.js';

/** A region as a file: its settings and its agencies (parents listed before their units or not: order is free). */
export const RegionFileSchema = z.strictObject({
  region: RegionCodeSchema,
  /** Sichuan decision (L2): the justice bureau gets a copy of transfers. */
  justiceCopy: z.boolean().default(false),
  /** Start the police's 3-day filing review again when the agency supplements (MPS Art 180(2): not by default). */
  restartReviewOnSupplement: z.boolean().default(false),
  agencies: z.array(AgencySchema).min(1).max(10_000),
});
export type RegionFile = z.infer<typeof RegionFileSchema>;

export type LoadResult = { ok: true; agencies: number } | { ok: false; issues: string[] };

export async function loadRegion(db: Db, input: unknown): Promise<LoadResult> {
  const parsed = RegionFileSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`),
    };
  }
  const file = parsed.data;
  const codes = new Set(file.agencies.map((a) => a.code));
  const known = new Set((await db.selectFrom('agencies').select('code').execute()).map((r) => r.code));
  const issues = file.agencies.flatMap((a, i) => [
    ...(a.region !== file.region
      ? [`agencies.${i}.region: ${a.region} is not the file's region ${file.region}`]
      : []),
    ...(a.parent && !codes.has(a.parent) && !known.has(a.parent)
      ? [`agencies.${i}.parent: unknown agency ${a.parent}`]
      : []),
  ]);
  if (issues.length > 0) return { ok: false, issues };
  await db.transaction().execute(async (trx) => {
    // Parents first, so that the foreign key holds whatever order the file lists them in.
    const pending = [...file.agencies];
    const saved = new Set(known);
    while (pending.length > 0) {
      const index = pending.findIndex((a) => !a.parent || saved.has(a.parent));
      const [next] = pending.splice(index === -1 ? 0 : index, 1);
      if (!next) break;
      await upsertAgency(trx, next);
      saved.add(next.code);
    }
    await trx
      .insertInto('region_settings')
      .values({
        region: file.region,
        justice_copy: file.justiceCopy,
        restart_review_on_supplement: file.restartReviewOnSupplement,
      })
      .onConflict((oc) =>
        oc.column('region').doUpdateSet({
          justice_copy: file.justiceCopy,
          restart_review_on_supplement: file.restartReviewOnSupplement,
          updated_at: new Date(),
        }),
      )
      .execute();
  });
  return { ok: true, agencies: file.agencies.length };
}
