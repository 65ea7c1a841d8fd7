import { z } from 'zod';

/** The body of POST /v1/referrals/:id/actions and the payload of a `command.action` message. */
export const ReceiptActionSchema = z.strictObject({
  action: z.literal('receipt'),
  /** When the police signed the 回执; defaults to the hub's clock. */
  receivedAt: z.iso.datetime({ offset: true }).optional(),
  note: z.string().max(2000).optional(),
});

export const WithdrawActionSchema = z.strictObject({
  action: z.literal('withdraw'),
  reason: z.string().min(1).max(2000),
});

export const ActionCommandSchema = z.discriminatedUnion('action', [
  ReceiptActionSchema,
  WithdrawActionSchema,
]);
export type ActionCommand = z.infer<typeof ActionCommandSchema>;

/** Compile-time check that a switch over actions handled every one. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
