import type { Command } from 'commander';
import { agencyNames } from '../db/agencies.js';
import { verifyStoredFiles } from '../db/file-verify.js';
import { createPgFileStore } from '../db/pg-file-store.js';
import { sealHeads } from '../db/seals.js';
import { generateYearlyReport, reportCsv, verifyYearlyReport } from '../db/yearly-report.js';
import { loadHubSigner } from '../runtime/hub-signer.js';
import { checkSigningKeyOrExit, loadConfigOrExit } from '../runtime/load-config.js';
import { progressBar } from './progress-bar.js';
import { withDb } from './with-db.js';

/** The yearly report (stored as a new version each time) and the re-hash of every stored file. */
export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('统计年报: the yearly report');
  report
    .command('yearly')
    .requiredOption('--region <region>')
    .requiredOption('--year <year>')
    .option('--format <format>', 'json or csv', 'json')
    .action(async (opts: { region: string; year: string; format: string }) => {
      const config = loadConfigOrExit();
      checkSigningKeyOrExit(config);
      await withDb(async (db) => {
        const made = await generateYearlyReport(db, opts.region, Number(opts.year), 'cli');
        // Issue 15: every yearly report is accompanied by a sealed statement of every chain head.
        await sealHeads(db, await loadHubSigner(db, config), 'yearly_report', new Date());
        if (opts.format !== 'csv') return console.log(JSON.stringify(made, null, 2));
        const names = await agencyNames(db);
        process.stdout.write(reportCsv(made, names));
      });
    });
  report
    .command('verify <reportId>')
    .description('recompute a stored report from the ledger and say whether it still matches')
    .action(async (id: string) => {
      const check = await withDb((db) => verifyYearlyReport(db, id));
      if (!check) {
        console.error('no such report');
        process.exit(2);
      }
      console.log(
        check.matches
          ? `report ${id} matches the ledger`
          : `report ${id} does NOT match: figures ${check.figuresMatch ? 'match' : 'differ'}, heads digest ${check.headsDigestMatches ? 'matches' : 'differs'}, broken chains: ${check.brokenChains.join(', ') || 'none'}`,
      );
      process.exitCode = check.matches ? 0 : 1;
    });

  const files = program.command('files').description('stored case files');
  files
    .command('verify')
    .description('re-hash every stored file and list those that no longer match (exit 1 if any)')
    .action(async () => {
      const config = loadConfigOrExit();
      const started = Date.now();
      const bar = progressBar();
      const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
      const report = await withDb(async (db) => {
        const store = createPgFileStore({
          db,
          databaseUrl: config.DATABASE_URL,
          uploadSlots: 1,
          downloadConnections: 1,
        });
        try {
          return await verifyStoredFiles(db, store, (p) =>
            bar.update(
              p.bytes,
              p.totalBytes,
              `${p.files}/${p.totalFiles} files, ${mib(p.bytes)}/${mib(p.totalBytes)} MiB`,
            ),
          );
        } finally {
          await store.close();
        }
      });
      bar.finish();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`verified ${report.files} files (${mib(report.bytes)} MiB) in ${seconds} s`);
      if (report.broken.length === 0) return console.log('every file matches its SHA-256');
      console.log(`${report.broken.length} file(s) no longer match:`);
      for (const b of report.broken) {
        console.log(
          `  ${b.sha256}  stored ${b.size} bytes; read ${b.actualSize} bytes hashing to ${b.actualSha256}`,
        );
      }
      process.exitCode = 1;
    });
}
