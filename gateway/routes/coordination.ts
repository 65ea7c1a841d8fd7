import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { backlog } from '../../db/backlog.js';
import type { DirectoryAgency } from '../../db/directory.js';
import { regionDocumentTotals } from '../../db/files.js';
import { knownBreaks } from '../../db/integrity.js';
import { recordPenaltyCase } from '../../db/penalty-cases.js';
import { referralHead } from '../../db/referrals.js';
import { sealHeads } from '../../db/seals.js';
import { onTimeRates, type Period, penaltyRisks, regionFigures } from '../../db/statistics.js';
import {
  generateYearlyReport,
  latestYearlyReport,
  reportCsv,
  reportRegion,
  verifyYearlyReport,
  yearPeriod,
} from '../../db/yearly-report.js';
import { AgencyCodeSchema } from '../../schemas/agency.js';
import { HubError } from '../../schemas/errors.js';
import { StateSchema } from '../../schemas/lifecycle.js';
import { queryTime } from '../../schemas/query-time.js';
import { ReferralKindSchema } from '../../schemas/referral.js';
import { lineText } from '../../schemas/text.js';
import { tookPart } from '../../schemas/visibility.js';
import type { GatewayDeps } from '../app.js';
import { requireAgency } from '../auth.js';
import { renderBriefingPack } from '../pages/briefing-pack.js';

const BacklogQuery = z.strictObject({
  agency: AgencyCodeSchema.optional(),
  kind: ReferralKindSchema.optional(),
  state: StateSchema.optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  dueWithinDays: z.coerce.number().int().min(0).max(3650).optional(),
  minAgeDays: z.coerce.number().int().min(0).max(36500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const PeriodQuery = z.strictObject({
  from: queryTime('from').optional(),
  to: queryTime('to').optional(),
});

/** A query string year arrives as text, a body year as a number; a missing one says so by name. */
const YearSchema = z.preprocess(
  (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
  z
    .number({
      error: (issue) =>
        issue.input === undefined
          ? 'the parameter year is missing (e.g. year=2026)'
          : 'year must be a whole number, e.g. 2026',
    })
    .int()
    .min(2000)
    .max(2100),
);

const PenaltyCaseSchema = z.strictObject({
  decisionNo: lineText(100),
  decidedAt: z.iso.datetime({ offset: true }),
  amountYuan: z.number().nonnegative().max(1e12),
  offence: lineText(300),
  referralId: z.uuid().optional(),
});

/** Joint-meeting views (联席会议): backlog, statistics, yearly report, briefing pack. */
export function coordinationRoutes(deps: GatewayDeps): FastifyPluginAsyncZod {
  function periodOf(query: { from?: string; to?: string }): Period {
    const year = Number(new Date(deps.clock().getTime() + 8 * 3600_000).toISOString().slice(0, 4));
    const fallback = yearPeriod(year);
    const period = {
      from: query.from ? new Date(query.from) : fallback.from,
      to: query.to ? new Date(query.to) : fallback.to,
    };
    if (period.from >= period.to)
      throw new HubError('VALIDATION_FAILED', 'from must be before to', { path: 'from' });
    return period;
  }

  async function regionWide(agency: DirectoryAgency) {
    const scope = await deps.directory.scope(agency);
    if (scope.regionKinds.length === 0) {
      throw new HubError(
        'ACTOR_NOT_PERMITTED',
        'region figures are for coordinators, justice bureaus and the procuratorate',
      );
    }
    return scope;
  }

  return async (app) => {
    requireAgency(app, deps.authenticate);

    app.get(
      '/v1/backlog',
      {
        schema: {
          tags: ['coordination'],
          summary: 'Open duties and referrals, most overdue first',
          querystring: BacklogQuery,
        },
      },
      async (request) =>
        backlog(deps.db, await deps.directory.scope(request.agency), request.query, deps.clock()),
    );

    app.get(
      '/v1/statistics',
      {
        schema: {
          tags: ['coordination'],
          summary: "The region's figures for a period (default: this year)",
          querystring: PeriodQuery,
        },
      },
      async (request) => {
        const scope = await regionWide(request.agency);
        const period = periodOf(request.query);
        const [figures, onTime, penalties] = await Promise.all([
          regionFigures(deps.db, scope.region, period),
          onTimeRates(deps.db, scope.region, period),
          penaltyRisks(deps.db, scope.region, period),
        ]);
        return {
          region: scope.region,
          period: { from: period.from.toISOString(), to: period.to.toISOString() },
          ...figures,
          onTime,
          penaltyRisk: penalties,
        };
      },
    );

    app.post(
      '/v1/penalty-cases',
      {
        schema: {
          tags: ['coordination'],
          summary: 'Report an administrative penalty case (以罚代刑 watch)',
          body: PenaltyCaseSchema,
        },
      },
      async (request, reply) => {
        const agency = request.agency;
        if (agency.kind !== 'enforcement')
          throw new HubError('ACTOR_NOT_PERMITTED', 'penalty cases are reported by enforcement agencies');
        const { referralId } = request.body;
        if (referralId !== undefined) {
          // A penalty case names a referral the agency (or a body under it) took part in.
          const [head, scope] = await Promise.all([
            referralHead(deps.db, referralId),
            deps.directory.scope(agency),
          ]);
          if (!head || !tookPart(scope, head.participants))
            throw new HubError(
              'REFERRAL_NOT_FOUND',
              `referralId: ${referralId} is no referral of this agency`,
              {
                referralId,
              },
            );
        }
        const recorded = await recordPenaltyCase(deps.db, agency, request.body);
        reply.status(recorded ? 201 : 200);
        return { decisionNo: request.body.decisionNo, recorded };
      },
    );

    app.post(
      '/v1/reports/yearly',
      {
        schema: {
          tags: ['coordination'],
          summary:
            '统计年报: compute and store a new version of the yearly report (versioned: every call stores one)',
          body: z.strictObject({ year: YearSchema }),
        },
      },
      async (request, reply) => {
        const agency = request.agency;
        const scope = await regionWide(agency);
        const report = await generateYearlyReport(deps.db, scope.region, request.body.year, agency.code);
        // Issue 15: every yearly report is accompanied by a sealed statement of every chain head.
        await sealHeads(deps.db, await deps.signer(), 'yearly_report', deps.clock());
        reply.status(201).header('location', `/v1/reports/yearly?year=${report.year}`);
        return report;
      },
    );

    app.get(
      '/v1/reports/yearly',
      {
        schema: {
          tags: ['coordination'],
          summary: "统计年报: the newest stored version of a year's report (JSON or CSV); computes nothing",
          querystring: z.strictObject({
            year: YearSchema,
            format: z.enum(['json', 'csv']).default('json'),
          }),
        },
      },
      async (request, reply) => {
        const scope = await regionWide(request.agency);
        const { year, format } = request.query;
        const report = await latestYearlyReport(deps.db, scope.region, year);
        if (!report)
          throw new HubError(
            'REPORT_NOT_FOUND',
            `no ${year} report is stored for region ${scope.region}; create one with POST /v1/reports/yearly`,
            { year },
          );
        if (format === 'json') return report;
        const names = new Map((await deps.directory.list()).map((a) => [a.code, a.name]));
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header(
          'content-disposition',
          `attachment; filename="report-${scope.region}-${year}-v${report.version}.csv"`,
        );
        return reportCsv(report, names);
      },
    );

    app.get(
      '/v1/reports/:id/verify',
      {
        schema: {
          tags: ['coordination'],
          summary: 'Recompute a stored report from the ledger',
          params: z.strictObject({ id: z.uuid() }),
        },
      },
      async (request) => {
        const scope = await regionWide(request.agency);
        if ((await reportRegion(deps.db, request.params.id)) !== scope.region)
          throw new HubError('REPORT_NOT_FOUND', 'no such report in your region', {
            reportId: request.params.id,
          });
        const check = await verifyYearlyReport(deps.db, request.params.id);
        return check;
      },
    );

    app.get(
      '/v1/integrity',
      {
        schema: {
          tags: ['coordination'],
          summary: "Broken ledger links the integrity watch found in the caller's region",
        },
      },
      async (request) => {
        const scope = await regionWide(request.agency);
        const breaks = await knownBreaks(deps.db, scope.region);
        return { region: scope.region, status: breaks.length > 0 ? 'broken' : 'intact', breaks };
      },
    );

    app.get(
      '/v1/briefing-pack',
      {
        schema: {
          tags: ['coordination'],
          summary: 'Printable HTML briefing pack for the joint meeting',
          querystring: PeriodQuery,
        },
      },
      async (request, reply) => {
        const scope = await regionWide(request.agency);
        const period = periodOf(request.query);
        const now = deps.clock();
        const [figures, onTime, penalties, overdue, documents] = await Promise.all([
          regionFigures(deps.db, scope.region, period),
          onTimeRates(deps.db, scope.region, period),
          penaltyRisks(deps.db, scope.region, period),
          backlog(deps.db, scope, { overdue: true, limit: 200 }, now),
          regionDocumentTotals(deps.db, scope.region, period),
        ]);
        const names = new Map((await deps.directory.list()).map((a) => [a.code, a.name]));
        reply.header('content-type', 'text/html; charset=utf-8');
        return renderBriefingPack({
          region: scope.region,
          period,
          now,
          figures,
          onTime,
          penalties,
          overdue: overdue.duties,
          documents,
          names,
        });
      },
    );
  };
}
