import type { Migration } from 'kysely';
import * as init from './0001-init.js';
import * as lifecycle from './0002-lifecycle.js';
import * as deadlines from './0003-deadlines.js';
import * as coordination from './0004-coordination.js';
import * as backlogIndexes from './0005-backlog-indexes.js';
import * as readAudit from './0006-read-audit.js';
import * as oneWriter from './0007-one-writer.js';
import * as files from './0008-files.js';
import * as law from './0009-law.js';
import * as fileDocuments from './0010-file-documents.js';
import * as dutyYears from './0011-duty-years.js';
import * as steady from './0012-steady.js';
import * as evidence from './0013-evidence.js';
import * as leanRows from './0014-lean-rows.js';
import * as signedOnce from './0015-signed-once.js';
import * as statementHeads from './0016-statement-heads.js';
import * as outboxNotify from './0017-outbox-notify.js';

/** An ordered record, not a folder scan: a migration is added here by hand. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-init': init,
  '0002-lifecycle': lifecycle,
  '0003-deadlines': deadlines,
  '0004-coordination': coordination,
  '0005-backlog-indexes': backlogIndexes,
  '0006-read-audit': readAudit,
  '0007-one-writer': oneWriter,
  '0008-files': files,
  '0009-law': law,
  '0010-file-documents': fileDocuments,
  '0011-duty-years': dutyYears,
  '0012-steady': steady,
  '0013-evidence': evidence,
  '0014-lean-rows': leanRows,
  '0015-signed-once': signedOnce,
  '0016-statement-heads': statementHeads,
  '0017-outbox-notify': outboxNotify,
};
