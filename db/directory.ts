import type { Agency, AgencyKind, DeliveryChannel } from '../schemas/agency.js';
import { type DirectoryView, directoryView } from '../schemas/parties.js';
import { type Scope, scopeOf } from '../schemas/visibility.js';
import type { Db } from './connection.js';

export type DirectoryAgency = Agency & { amqpUser: string | null };

/**
 * The agency directory, cached in memory: every command needs a few lookups and agencies change rarely.
 * A miss reloads once, so an agency added by another process is found at once.
 */
export class AgencyDirectory {
  private byCode = new Map<string, DirectoryAgency>();
  private byAmqpUser = new Map<string, DirectoryAgency>();
  private snapshot: DirectoryView = directoryView([]);
  private scopes = new Map<string, Scope>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly maxAgeMs = 10_000,
  ) {}

  async get(code: string): Promise<DirectoryAgency | undefined> {
    await this.fresh();
    const found = this.byCode.get(code);
    if (found) return found;
    await this.reload();
    return this.byCode.get(code);
  }

  async byUser(user: string): Promise<DirectoryAgency | undefined> {
    await this.fresh();
    const found = this.byAmqpUser.get(user);
    if (found) return found;
    await this.reload();
    return this.byAmqpUser.get(user);
  }

  async list(): Promise<DirectoryAgency[]> {
    await this.fresh();
    return [...this.byCode.values()];
  }

  /** Same-level body of a kind in a region (e.g. the procuratorate that gets the 抄送 copy). */
  async inRegion(region: string, kind: AgencyKind): Promise<DirectoryAgency | undefined> {
    const all = await this.list();
    return all
      .filter((a) => a.region === region && a.kind === kind)
      .sort((a, b) => (a.code < b.code ? -1 : 1))[0];
  }

  async channelOf(code: string): Promise<DeliveryChannel> {
    return (await this.get(code))?.delivery ?? 'amqp';
  }

  /**
   * A snapshot for the decision, after making sure it is fresh and knows every code in `codes` (a code it
   * does not know reloads it once, so that an agency another process just added is found).
   */
  async view(codes: Iterable<string> = []): Promise<DirectoryView> {
    await this.fresh();
    for (const code of codes) {
      if (!this.byCode.has(code)) {
        await this.reload();
        break;
      }
    }
    return this.snapshot;
  }

  /** What an agency may see, with a fresh directory. */
  async scope(actor: Agency): Promise<Scope> {
    await this.fresh();
    return this.scopeOf(actor);
  }

  /** What an agency may see (its subordinate units, its region for some kinds), cached with the snapshot. */
  scopeOf(actor: Agency): Scope {
    let scope = this.scopes.get(actor.code);
    if (!scope) {
      scope = scopeOf(this.snapshot.all(), actor);
      this.scopes.set(actor.code, scope);
    }
    return scope;
  }

  invalidate(): void {
    this.loadedAt = 0;
  }

  private async fresh(): Promise<void> {
    if (Date.now() - this.loadedAt > this.maxAgeMs) await this.reload();
  }

  private reload(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    const rows = await this.db.selectFrom('agencies').selectAll().execute();
    const byCode = new Map<string, DirectoryAgency>();
    const byAmqpUser = new Map<string, DirectoryAgency>();
    for (const row of rows) {
      const agency: DirectoryAgency = {
        code: row.code,
        name: row.name,
        kind: row.kind as AgencyKind,
        region: row.region,
        parent: row.parent_code,
        delivery: row.delivery as DeliveryChannel,
        amqpUser: row.amqp_user,
      };
      byCode.set(agency.code, agency);
      if (agency.amqpUser) byAmqpUser.set(agency.amqpUser, agency);
    }
    this.byCode = byCode;
    this.byAmqpUser = byAmqpUser;
    this.snapshot = directoryView([...byCode.values()]);
    this.scopes = new Map();
    this.loadedAt = Date.now();
  }
}
