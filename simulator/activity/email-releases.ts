// Darktrace/Email hold and release events: a hold for each recipient an email is held for, and, for
// some of them, a release by an analyst later (the email's recipient status flips to `released`).
import { Rng } from '../random.ts';
import type { EmailAlert, EmailRecipient } from '../types.ts';
import type { EmailReleaseEvent } from './types.ts';

const ANALYSTS = ['analyst.one', 'soc.tier2', 'j.doe'];

export function releaseEvent(email: EmailAlert, rcpt: EmailRecipient, event: 'hold' | 'release', time: number, username: string): EmailReleaseEvent {
  return {
    id: `${email.uuid}:${rcpt.rcpt_to}:${event}`,
    event,
    time,
    username,
    emailUuid: email.uuid,
    direction: email.direction,
    subject: email.header_subject,
    recipient: rcpt.rcpt_to,
    headerFrom: email.header_from,
    headerFromEmail: email.header_from_email,
    envelopeFrom: email.envelope_from,
    tags: [...rcpt.tags],
    summary: [...rcpt.summary],
    dtime_unix: email.dtime_unix,
  };
}

export interface PlannedRelease {
  rcpt: EmailRecipient;
  at: number;
  username: string;
}

/** The held recipients of an email that an analyst releases later, and when (own generator per email). */
export function planReleases(seed: number, email: EmailAlert, at: number): PlannedRelease[] {
  const rng = new Rng(`release:${seed}:${email.uuid}`);
  const out: PlannedRelease[] = [];
  for (const rcpt of email.rcpts) {
    if (rcpt.rcpt_status !== 'held') continue;
    if (rng.chance(0.4)) out.push({ rcpt, at: at + rng.int(600_000, 4 * 3_600_000), username: rng.pick(ANALYSTS) });
  }
  return out;
}
