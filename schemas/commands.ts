import { type ActionCommand, assertNever, type Briefing } from './actions.js';
import type { CanonicalText } from './canonical-json.js';
import type { CommandEnvelope } from './messages.js';
import type { Submission } from './referral.js';
import type { SignedCommand } from './signature.js';

export type Alarm = 'approaching' | 'overdue';

/** What an agency (or the hub's deadline watcher) asks the hub to do: the one command path's input. */
export type Command =
  | { type: 'submit'; submission: Submission }
  | { type: 'action'; referralId: string; action: ActionCommand }
  | { type: 'brief'; briefing: Briefing }
  | { type: 'watch_deadline'; referralId: string; dutyId: string; alarm: Alarm }
  /** A provisional due time counted again over the calendar as it now stands. */
  | { type: 'recheck_deadline'; referralId: string; dutyId: string };

/** Where a command came from, for the ledger and the messages it causes. */
export type CommandMeta = {
  /** The AMQP message that carried it (the ledger's message id and the messages' causation). */
  messageId?: string | null;
  correlationId?: string | null;
  causationId?: string | null;
  /** A dead letter being replayed (hub dlq replay): its message id goes on the ledger. */
  replayOf?: string;
  /** The agency's signature and what it covers (issue 15): checked, then kept on the ledger. */
  signed?: SignedCommand;
  /** `signed` as the ledger's canonical text, when the signature's check has written it already. */
  signedText?: CanonicalText;
};

export type EnvelopeMeaning =
  | { kind: 'command'; command: Command; meta: CommandMeta }
  | { kind: 'ack'; messageIds: string[] };

/**
 * The one envelope → command mapping, for the intake and for dead-letter replay; `json` is the envelope as
 * sent, which a signature covers (without its `signature` member).
 */
export function commandOf(envelope: CommandEnvelope, json?: unknown): EnvelopeMeaning {
  const meta: CommandMeta = {
    messageId: envelope.messageId,
    correlationId: envelope.correlationId,
    causationId: envelope.messageId,
  };
  if (envelope.signature && json !== null && typeof json === 'object') {
    const { signature: _, ...command } = json as Record<string, unknown>;
    meta.signed = { ...envelope.signature, command };
  }
  switch (envelope.type) {
    case 'command.submit':
      return { kind: 'command', command: { type: 'submit', submission: envelope.payload }, meta };
    case 'command.action':
      return {
        kind: 'command',
        command: { type: 'action', referralId: envelope.referralId, action: envelope.payload },
        meta,
      };
    case 'command.brief':
      return { kind: 'command', command: { type: 'brief', briefing: envelope.payload }, meta };
    case 'command.ack':
      return { kind: 'ack', messageIds: envelope.payload.messageIds };
    default:
      return assertNever(envelope);
  }
}

/** Which referral a command reads (for loading a batch in one query). */
export function referralIdOf(command: Command): string | null {
  return command.type === 'action' || command.type === 'watch_deadline' || command.type === 'recheck_deadline'
    ? command.referralId
    : null;
}
