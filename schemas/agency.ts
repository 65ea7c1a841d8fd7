import { z } from 'zod';
import { lineText } from './text.js';

export const AGENCY_KINDS = [
  'enforcement',
  'police',
  'procuratorate',
  'supervision',
  'justice_bureau',
  'coordinator',
  'court',
] as const;
export const AgencyKindSchema = z.enum(AGENCY_KINDS);
export type AgencyKind = z.infer<typeof AgencyKindSchema>;

/** How an agency receives its messages: its own AMQP queue, or pulling GET /v1/inbox. */
export const DeliveryChannelSchema = z.enum(['amqp', 'http']);
export type DeliveryChannel = z.infer<typeof DeliveryChannelSchema>;

export const AgencyCodeSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{1,62}$/, 'lower-case letters, digits, dash and underscore; 2-63 characters');

/** Administrative division code, e.g. 500156. */
export const RegionCodeSchema = z.string().regex(/^\d{6}$/, 'a six-digit administrative division code');

export const AgencySchema = z.strictObject({
  code: AgencyCodeSchema,
  name: lineText(200),
  kind: AgencyKindSchema,
  region: RegionCodeSchema,
  parent: AgencyCodeSchema.nullable().default(null),
  delivery: DeliveryChannelSchema.default('amqp'),
});
export type Agency = z.infer<typeof AgencySchema>;
