import { z } from 'zod';
import { AgencyCodeSchema } from './agency.js';
import { ErrorCodeSchema } from './error-code.js';

/**
 * The headers of a message in `<p>hub.dead`. The intake sets the `x-hub-*` ones when it refuses a command
 * (workers/intake.ts); a message that the broker dead-letters after the quorum queue's delivery limit
 * carries RabbitMQ's own `x-death` instead; the quorum queue adds `x-delivery-count` when it delivers.
 * The agency's own headers, if any, are kept beside them.
 */
export const DeadLetterHeadersSchema = z.looseObject({
  'x-hub-reason-code': ErrorCodeSchema.optional().describe('why the intake refused the command'),
  'x-hub-reason': z.string().optional().describe('the error message'),
  'x-hub-details': z
    .string()
    .optional()
    .describe('a JSON object of ids, states and schema paths (never names)'),
  'x-hub-sender': AgencyCodeSchema.nullable().optional().describe('the agency mapped from user_id, if any'),
  'x-hub-user-id': z
    .string()
    .nullable()
    .optional()
    .describe("the message's user_id as the broker checked it"),
  'x-hub-source-queue': z.string().optional().describe('the queue the command was consumed from'),
  'x-hub-dead-lettered-at': z.iso.datetime().optional(),
  'x-death': z
    .array(z.record(z.string(), z.unknown()))
    .optional()
    .describe("RabbitMQ's record when the delivery limit dead-lettered the message"),
  'x-delivery-count': z
    .number()
    .int()
    .optional()
    .describe('set by the quorum queue: how often the message was delivered from it before'),
});
