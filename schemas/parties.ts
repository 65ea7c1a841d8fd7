import type { Agency, AgencyKind } from './agency.js';
import { HubError } from './errors.js';
import type { ReferralKind } from './referral.js';
import type { Parties } from './referral-state.js';

/** What the decision may look up in the agency directory (a snapshot; no I/O). */
export type DirectoryView = {
  get(code: string): Agency | undefined;
  /** The same-level body of a kind in a region (the lowest code when there are several). */
  inRegion(region: string, kind: AgencyKind): Agency | undefined;
  all(): readonly Agency[];
};

type KindParties = {
  /** Agency kinds that may start a referral of this kind. */
  readonly senders: readonly AgencyKind[];
  readonly recipients: readonly AgencyKind[];
  /**
   * Who holds the procuratorate role: `region` — the procuratorate of the sender's region gets a copy of
   * every referral (抄送, and it must exist); `party` — the sender or the recipient when it is one.
   */
  readonly procuratorate: 'region' | 'party';
  /** Kinds of agency in the sender's region copied when the region asks for it (region_settings). */
  readonly regionCopies: readonly AgencyKind[];
  /** Where the recipient may forward it (the competent organ becomes the recipient). */
  readonly forwardTo: readonly AgencyKind[];
};

export const KIND_PARTIES: Record<ReferralKind, KindParties> = {
  // Decree 310 Art 2, 5, 7: enforcement agency → same-level police, copy to the procuratorate; the police
  // forward to the competent police. Sichuan decision (L2): a copy to the justice bureau where asked.
  criminal_transfer: {
    senders: ['enforcement'],
    recipients: ['police'],
    procuratorate: 'region',
    regionCopies: ['justice_bureau'],
    // MPS Art 175: 移送有管辖权的机关 — police of another place, the procuratorate, the supervision commission.
    forwardTo: ['police', 'procuratorate', 'supervision'],
  },
  // Decree 310 Art 13; SPP Rules Art 373; MPS Art 298: police, procuratorate or court → agency.
  reverse_transfer: {
    senders: ['police', 'procuratorate', 'court'],
    recipients: ['enforcement'],
    procuratorate: 'party',
    regionCopies: ['justice_bureau'],
    forwardTo: [],
  },
  // Decree 310 Art 19; Supervision Law Art 34, 35: any body → supervision commission or procuratorate.
  duty_clue: {
    senders: [
      'enforcement',
      'police',
      'procuratorate',
      'court',
      'justice_bureau',
      'coordinator',
      'supervision',
    ],
    recipients: ['supervision', 'procuratorate'],
    procuratorate: 'party',
    regionCopies: [],
    forwardTo: ['supervision', 'procuratorate'],
  },
  // SPP Rules Art 557(3): the procuratorate's 检察意见 to an agency that kept a case it should transfer.
  transfer_opinion: {
    senders: ['procuratorate'],
    recipients: ['enforcement'],
    procuratorate: 'party',
    regionCopies: ['justice_bureau'],
    forwardTo: [],
  },
};

/** The parties of a new referral, or why there cannot be one. */
export function partiesOfSubmission(
  kind: ReferralKind,
  actor: Agency,
  recipientCode: string,
  directory: DirectoryView,
  regionCopies: boolean,
): Parties {
  const rules = KIND_PARTIES[kind];
  if (!rules.senders.includes(actor.kind)) {
    throw new HubError('ACTOR_NOT_PERMITTED', `a ${actor.kind} agency may not submit a ${kind}`);
  }
  const recipient = directory.get(recipientCode);
  if (!recipient) {
    throw new HubError('RECIPIENT_INVALID', `no such agency: ${recipientCode}`, { recipient: recipientCode });
  }
  if (recipient.code === actor.code) {
    throw new HubError('RECIPIENT_INVALID', `an agency does not send a ${kind} to itself`, {
      recipient: recipientCode,
    });
  }
  if (!rules.recipients.includes(recipient.kind)) {
    // Name what the recipient is, so that a known agency of the wrong kind is not read as an unknown one.
    throw new HubError(
      'RECIPIENT_INVALID',
      `${recipientCode} is a ${recipient.kind} agency; a ${kind} goes to: ${rules.recipients.join(', ')}`,
      { recipient: recipientCode, recipientKind: recipient.kind },
    );
  }
  let procuratorate: string | null;
  if (rules.procuratorate === 'region') {
    const found = directory.inRegion(actor.region, 'procuratorate');
    if (!found) {
      throw new HubError(
        'RECIPIENT_INVALID',
        'no procuratorate is registered for the referring agency region',
        {
          region: actor.region,
        },
      );
    }
    procuratorate = found.code;
  } else {
    procuratorate =
      actor.kind === 'procuratorate'
        ? actor.code
        : recipient.kind === 'procuratorate'
          ? recipient.code
          : null;
  }
  const copies = regionCopies
    ? rules.regionCopies.flatMap((k) => directory.inRegion(actor.region, k)?.code ?? [])
    : [];
  return { sender: actor.code, recipient: recipient.code, procuratorate, copies };
}

/** Decree 310 Art 7 / Supervision Law Art 35: the competent organ a referral may be forwarded to. */
export function forwardTarget(
  kind: ReferralKind,
  to: string,
  participants: readonly string[],
  directory: DirectoryView,
): Agency {
  const kinds = KIND_PARTIES[kind].forwardTo;
  const target = directory.get(to);
  if (!target) throw new HubError('RECIPIENT_INVALID', `no such agency: ${to}`, { to });
  if (!kinds.includes(target.kind) || participants.includes(to)) {
    throw new HubError('RECIPIENT_INVALID', `a ${kind} may be forwarded to: ${kinds.join(', ')}`, { to });
  }
  return target;
}

export function participantsOf(parties: Parties): string[] {
  const codes = [parties.sender, parties.recipient, parties.procuratorate, ...parties.copies];
  return [...new Set(codes.filter((c): c is string => c !== null))];
}

/** A directory view over a list of agencies. */
export function directoryView(agencies: readonly Agency[]): DirectoryView {
  const byCode = new Map(agencies.map((a) => [a.code, a]));
  const sorted = [...agencies].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return {
    get: (code) => byCode.get(code),
    inRegion: (region, kind) => sorted.find((a) => a.region === region && a.kind === kind),
    all: () => agencies,
  };
}
