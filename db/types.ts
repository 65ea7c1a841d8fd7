import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface AgenciesTable {
  code: string;
  name: string;
  kind: string;
  region: string;
  parent_code: string | null;
  delivery: Generated<string>;
  amqp_user: string | null;
  created_at: Generated<Date>;
}

export interface ApiKeysTable {
  id: Generated<string>;
  agency_code: string;
  key_hash: string;
  key_prefix: string;
  created_at: Generated<Date>;
  revoked_at: Date | null;
}

export interface ReferralsTable {
  id: string;
  kind: string;
  state: string;
  sender_code: string;
  recipient_code: string;
  procuratorate_code: string | null;
  copy_codes: Generated<string[]>;
  participant_codes: Generated<string[]>;
  milestones: Generated<Record<string, string>>;
  facts: Generated<Record<string, unknown>>;
  region: string;
  approved_at: Timestamp | null;
  late: boolean;
  version: number;
  head_seq: number;
  head_hash: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LedgerEventsTable {
  referral_id: string;
  seq: number;
  event: string;
  action: string;
  actor_code: string;
  occurred_at: Timestamp;
  recorded_at: Generated<Date>;
  payload: Json<Record<string, unknown>>;
  message_id: string | null;
  prev_hash: string;
  hash: string;
  pos: Generated<string>;
}

export interface OutboxTable {
  id: Generated<string>;
  message_id: string;
  recipient_code: string;
  channel: string;
  type: string;
  referral_id: string | null;
  correlation_id: string | null;
  body: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
  fetched_at: Timestamp | null;
}

export interface DeliveriesTable {
  message_id: string;
  recipient_code: string;
  channel: string;
  type: string;
  referral_id: string | null;
  created_at: Timestamp;
  published_at: Timestamp | null;
  fetched_at: Timestamp | null;
  acknowledged_at: Timestamp | null;
}

export interface IntegrityBreaksTable {
  referral_id: string;
  seq: number;
  reason: string;
  region: string;
  detected_at: Generated<Date>;
}

export interface IntegrityCursorsTable {
  name: string;
  position: string;
  updated_at: Generated<Date>;
}

export interface CommandFailuresTable {
  message_id: string;
  sender_code: string | null;
  type: string | null;
  error: string;
  attempts: Generated<number>;
  last_at: Generated<Date>;
}

export interface ProcessedMessagesTable {
  message_id: string;
  sender_code: string;
  type: string;
  outcome: string;
  processed_at: Generated<Date>;
}

export interface IdempotencyKeysTable {
  agency_code: string;
  key: string;
  request_hash: string;
  outcome: string;
  response: Json<unknown>;
  created_at: Generated<Date>;
}

export interface RegionSettingsTable {
  region: string;
  justice_copy: boolean;
  restart_review_on_supplement: Generated<boolean>;
  penalty_threshold_yuan: string | number | null;
  signatures: Generated<string>;
  updated_at: Generated<Date>;
}

export interface AgencySigningKeysTable {
  key_id: string;
  agency_code: string;
  alg: string;
  public_key: string;
  valid_from: Date;
  valid_until: Date | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
  added_at: Generated<Date>;
}

export interface HubSigningKeysTable {
  key_id: string;
  alg: string;
  public_key: string;
  private_key: string | null;
  created_at: Generated<Date>;
}

export interface SealedStatementsTable {
  id: Generated<string>;
  reason: string;
  statement: string;
  alg: string;
  key_id: string;
  signature: string;
  sealed_at: Date;
  root: string;
  size: number;
  /** Statements sealed before migration 0016 only (their heads are not in statement_heads). */
  heads: Json<unknown> | null;
}

/** The heads a statement sealed that changed since the statement before (migration 0016). */
export interface StatementHeadsTable {
  referral_id: string;
  statement_id: string;
  seq: number;
  hash: string;
}

export interface BriefingsTable {
  id: string;
  sender_code: string;
  referral_id: string | null;
  subject: string;
  body: string;
  recipient_codes: string[];
  region: string;
  created_at: Generated<Date>;
}

export interface DutiesTable {
  id: string;
  referral_id: string;
  rule_id: string;
  region: string;
  is_window: boolean;
  responsible_code: string;
  counterparty_code: string | null;
  amount: number;
  unit: string;
  started_at: Timestamp;
  warn_at: Timestamp;
  due_at: Timestamp;
  status: string;
  opened_seq: number;
  closed_seq: number | null;
  provisional: Generated<boolean>;
  provisional_years: Generated<number[]>;
  warned_at: Timestamp | null;
  overdue_at: Timestamp | null;
  closed_at: Timestamp | null;
}

export interface DeadlineOverridesTable {
  region: string;
  rule_id: string;
  amount: number;
  unit: string;
  lead_fraction: number | null;
  updated_at: Generated<Date>;
}

export interface HolidayCalendarsTable {
  year: number;
  data: Json<Record<string, unknown>>;
  loaded_at: Generated<Date>;
}

export interface PenaltyCasesTable {
  id: string;
  agency_code: string;
  region: string;
  decision_no: string;
  decided_at: Timestamp;
  amount_yuan: string | number;
  offence: string;
  referral_id: string | null;
  created_at: Generated<Date>;
}

export interface ReportsTable {
  id: string;
  region: string;
  year: number;
  generated_at: Generated<Date>;
  generated_by: string;
  figures: Json<Record<string, unknown>>;
  heads: Json<Record<string, { seq: number; hash: string }>>;
  heads_digest: string;
}

export interface ReferralReadsTable {
  id: Generated<string>;
  referral_id: string;
  agency_code: string;
  read_at: Generated<Date>;
  what: string;
}

/** int8 columns come back as strings (pg's safe default). */
type Int8 = ColumnType<string, number | string, never>;

export interface FilesTable {
  sha256: string;
  size: Int8;
  media_type: string;
  blob_id: Int8;
  chunk_size: number;
  uploaded_by: string;
  created_at: Generated<Date>;
}

export interface FileChunksTable {
  blob_id: Int8;
  n: number;
  data: Buffer;
}

export interface FileUploadsTable {
  sha256: string;
  agency_code: string;
  uploaded_at: Generated<Date>;
}

export interface ReferralFilesTable {
  referral_id: string;
  sha256: string;
  linked_at: Generated<Date>;
  document_type: string | null;
  title: string | null;
}

export interface Database {
  agency_signing_keys: AgencySigningKeysTable;
  hub_signing_keys: HubSigningKeysTable;
  sealed_statements: SealedStatementsTable;
  statement_heads: StatementHeadsTable;
  deliveries: DeliveriesTable;
  integrity_breaks: IntegrityBreaksTable;
  integrity_cursors: IntegrityCursorsTable;
  command_failures: CommandFailuresTable;
  files: FilesTable;
  file_chunks: FileChunksTable;
  file_uploads: FileUploadsTable;
  referral_files: ReferralFilesTable;
  referral_reads: ReferralReadsTable;
  penalty_cases: PenaltyCasesTable;
  reports: ReportsTable;
  duties: DutiesTable;
  deadline_overrides: DeadlineOverridesTable;
  holiday_calendars: HolidayCalendarsTable;
  region_settings: RegionSettingsTable;
  briefings: BriefingsTable;
  agencies: AgenciesTable;
  api_keys: ApiKeysTable;
  referrals: ReferralsTable;
  ledger_events: LedgerEventsTable;
  outbox: OutboxTable;
  processed_messages: ProcessedMessagesTable;
  idempotency_keys: IdempotencyKeysTable;
}
