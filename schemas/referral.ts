import { z } from 'zod';
import { AgencyCodeSchema } from './agency.js';
import { freeText, lineText, optionalFreeText, optionalLineText } from './text.js';

export const REFERRAL_KINDS = [
  'criminal_transfer',
  'reverse_transfer',
  'duty_clue',
  'transfer_opinion',
] as const;
export const ReferralKindSchema = z.enum(REFERRAL_KINDS);
export type ReferralKind = z.infer<typeof ReferralKindSchema>;

/** Decree 310 Art 6: the transfer package. */
export const DOCUMENT_TYPES = [
  'transfer_letter', // 涉嫌犯罪案件移送书
  'investigation_report', // 涉嫌犯罪案件情况的调查报告
  'item_inventory', // 涉案物品清单
  'inspection_report', // 检验报告 / 鉴定意见
  'penalty_decision', // 行政处罚决定书
  'other', // 其他有关涉嫌犯罪的材料
] as const;
export const DocumentTypeSchema = z.enum(DOCUMENT_TYPES);

/**
 * One document of a package. Its file is uploaded first (POST /v1/files) and referred to by its SHA-256;
 * `paper: true` marks a document delivered physically, whose hash the agency states without a file.
 */
export const DocumentSchema = z.strictObject({
  type: DocumentTypeSchema,
  title: lineText(300),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256 digest'),
  paper: z.boolean().optional(),
});
export type Document = z.infer<typeof DocumentSchema>;

/** Seed 三(一): at least two enforcement officers with certificate numbers. */
export const OfficerSchema = z.strictObject({
  name: lineText(100),
  certificateNo: lineText(64),
});

/** Decree 310 Art 11: prior penalties stay on record; a paid fine is offset against a later criminal fine. */
export const PriorPenaltySchema = z.strictObject({
  decisionNo: lineText(100),
  decidedAt: z.iso.datetime({ offset: true }),
  penalty: z.enum([
    'warning',
    'fine',
    'confiscation',
    'suspension',
    'licence_revocation',
    'detention',
    'other',
  ]),
  amountYuan: z.number().nonnegative().optional(),
  paid: z.boolean().optional(),
});

export const CaseSummarySchema = z.strictObject({
  title: lineText(300),
  facts: freeText(20_000),
  agencyCaseNo: optionalLineText(100),
});

const REQUIRED_DOCUMENTS = ['transfer_letter', 'investigation_report', 'item_inventory'] as const;

export const CriminalTransferSubmissionSchema = z
  .strictObject({
    kind: z.literal('criminal_transfer'),
    recipient: AgencyCodeSchema,
    caseSummary: CaseSummarySchema,
    suspectedOffence: lineText(200),
    documents: z.array(DocumentSchema).min(1).max(500),
    caseTeam: z.array(OfficerSchema).min(2, 'the case team needs at least two officers').max(50),
    approvedAt: z.iso.datetime({ offset: true }),
    priorPenalties: z.array(PriorPenaltySchema).max(100).default([]),
    /** An economic crime: the police may extend the filing review (SPP/MPS 2017 Art 16). */
    economicCrime: z.boolean().optional(),
  })
  .superRefine((value, ctx) => {
    const present = new Set(value.documents.map((d) => d.type));
    for (const type of REQUIRED_DOCUMENTS) {
      if (!present.has(type)) {
        ctx.addIssue({ code: 'custom', path: ['documents'], message: `Decree 310 Art 6 requires a ${type}` });
      }
    }
  });
export type CriminalTransferSubmission = z.infer<typeof CriminalTransferSubmissionSchema>;

/** Why a case comes back to an agency (反向移送). */
export const REVERSE_BASES = [
  'no_crime_administrative_liability', // Decree 310 Art 13; MPS Art 177
  'case_withdrawn', // MPS Art 187, 189
  'non_prosecution', // SPP Rules Art 373 (检察意见 with 不起诉决定书)
  'court_suggestion', // MPS Art 298
] as const;

export const ReverseTransferSubmissionSchema = z.strictObject({
  kind: z.literal('reverse_transfer'),
  recipient: AgencyCodeSchema,
  caseSummary: CaseSummarySchema,
  basis: z.enum(REVERSE_BASES),
  /** The procuratorate's 检察意见, when the basis is non_prosecution. */
  opinion: optionalFreeText(20_000),
  documents: z.array(DocumentSchema).max(500).default([]),
  originReferralId: z.uuid().optional(),
});

export const DutyClueSubmissionSchema = z.strictObject({
  kind: z.literal('duty_clue'),
  recipient: AgencyCodeSchema,
  caseSummary: CaseSummarySchema,
  /** Decree 310 Art 19: 贪污贿赂、失职渎职、利用职权侵犯公民人身权利和民主权利. */
  suspectedConduct: z.enum(['embezzlement_bribery', 'dereliction', 'rights_infringement', 'other']),
  officials: z
    .array(
      z.strictObject({
        name: lineText(100),
        position: optionalLineText(200),
        organisation: optionalLineText(200),
      }),
    )
    .min(1)
    .max(100),
  documents: z.array(DocumentSchema).max(500).default([]),
  originReferralId: z.uuid().optional(),
});

/** 检察意见 (SPP Rules Art 557(3)): the procuratorate tells an agency to transfer a case it kept. */
export const TransferOpinionSubmissionSchema = z.strictObject({
  kind: z.literal('transfer_opinion'),
  recipient: AgencyCodeSchema,
  caseSummary: CaseSummarySchema,
  opinion: freeText(20_000),
  /** The agency's penalty decision the opinion is about, when there is one. */
  penaltyDecisionNo: optionalLineText(100),
  documents: z.array(DocumentSchema).max(500).default([]),
});

export const SubmissionSchema = z.discriminatedUnion('kind', [
  CriminalTransferSubmissionSchema,
  ReverseTransferSubmissionSchema,
  DutyClueSubmissionSchema,
  TransferOpinionSubmissionSchema,
]);
export type Submission = z.infer<typeof SubmissionSchema>;
