// Darktrace/Email alerts (`emails/search` and `emails/{uuid}` objects, darktrace-api.md §6).
import type { Rng } from '../random.ts';
import type { ExternalHost, User, World } from '../world/types.ts';
import type { EmailAlert, EmailRecipient } from '../types.ts';
import { EMAIL_TAGS } from './emailTags.ts';

const CRITICAL = EMAIL_TAGS.filter((t) => t.status === 'critical').map((t) => t.name);
const WARN = EMAIL_TAGS.filter((t) => t.status === 'warn').map((t) => t.name);
const INFO = EMAIL_TAGS.filter((t) => t.status === 'info').map((t) => t.name);

const SUBJECTS = [
  'Invoice {n} overdue', 'Your parcel could not be delivered', 'Updated payment details', 'Re: Q{q} planning',
  'Action required: verify your account', 'Shared document: {word} proposal', 'Password expiry notice',
  'Meeting notes {word}', 'RE: Contract renewal', 'Your subscription receipt', 'Voicemail from +44 20 {n}',
];
const WORDS = ['Apollo', 'Orion', 'budget', 'Northwind', 'merger', 'onboarding', 'audit', 'roadmap'];
const FILE_TYPES: [string, string][] = [
  ['pdf', 'application/pdf'], ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['xlsm', 'application/vnd.ms-excel.sheet.macroEnabled.12'], ['zip', 'application/zip'], ['html', 'text/html'],
];

export interface EmailSpec {
  at: number;
  recipients: User[];
  /** 'benign' | 'suspicious' | 'malicious' — picks score, tags and actions. */
  severity?: 'benign' | 'suspicious' | 'malicious';
  sender?: { email: string; personal: string; domain: string };
  subject?: string;
  linkHost?: ExternalHost;
  campaignId?: number | null;
  direction?: 'inbound' | 'outbound';
}

function fillSubject(rng: Rng, s: string): string {
  return s.replace('{n}', String(rng.int(1000, 99999))).replace('{q}', String(rng.int(1, 4))).replace('{word}', rng.pick(WORDS));
}

// Darktrace/Email's action strings in the API: only "Hold message" is public (darktrace-api.md §6);
// the others are guessed in that wording from the UI's action names (sentinel-table.md §4e), see
// docs/reference/simulator.md. Which one an email gets is derived from its uuid and recipient, not
// drawn, so the rest of a seed's output is what it was before the vocabulary grew.
const LINK_ACTIONS = ['Lock link', 'Lock all links', 'Double lock link', 'Double lock all links'];
const SUSPICIOUS_ACTIONS = [...LINK_ACTIONS, 'Strip all attachments', 'Convert attachment', 'Convert all attachments'];
const UNHELD_MALICIOUS_ACTIONS = ['Move to junk', 'Unspoof'];

function byKey(key: string, list: string[]): string {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619) >>> 0;
  return list[h % list.length]!;
}

export function generateEmail(world: World, rng: Rng, spec: EmailSpec): EmailAlert {
  const severity = spec.severity ?? rng.weighted(['benign', 'suspicious', 'malicious'] as const, [5, 3, 2]);
  const direction = spec.direction ?? (rng.chance(0.9) ? 'inbound' : 'outbound');
  const sender = spec.sender ?? rng.pick(world.senders);
  const subject = spec.subject ?? fillSubject(rng, rng.pick(SUBJECTS));
  const score = severity === 'malicious' ? rng.int(80, 100) : severity === 'suspicious' ? rng.int(45, 79) : rng.int(5, 44);
  const linkHost = spec.linkHost ?? rng.pick(world.external);
  const nLinks = severity === 'benign' ? rng.int(0, 3) : rng.int(1, 6);
  const links = [];
  for (let i = 0; i < nLinks; i++) {
    const host = i === 0 ? linkHost.hostname : rng.chance(0.5) ? linkHost.hostname : rng.pick(world.external).hostname;
    links.push({ link_host: host, link_url: `https://${host}/${rng.pick(['login', 'invoice', 'track', 'share', 'verify'])}/${rng.hex(10)}`, link_text: rng.pick(['View document', 'Click here', 'Track parcel', 'Sign in', 'Open']) });
  }
  const nAttachments = severity === 'benign' ? rng.int(0, 1) : rng.int(0, 2);
  const attachments = [];
  for (let i = 0; i < nAttachments; i++) {
    const [ext, mime] = rng.pick(FILE_TYPES);
    attachments.push({ file_name: `${rng.pick(WORDS)}_${rng.int(100, 9999)}.${ext}`, mime_type: mime, size: rng.int(8_000, 4_000_000), sha1: rng.hex(40), sha256: rng.hex(64) });
  }
  const guid = rng.guid().toUpperCase();
  const rcpts: EmailRecipient[] = spec.recipients.map((user) => {
    const tags =
      severity === 'malicious'
        ? [...rng.sample(CRITICAL, rng.int(2, 4)), ...rng.sample(WARN, rng.int(1, 3))]
        : severity === 'suspicious'
          ? [...rng.sample(WARN, rng.int(1, 3)), ...rng.sample(INFO, rng.int(0, 2))]
          : rng.sample(INFO, rng.int(1, 3));
    const held = severity === 'malicious' && rng.chance(0.8);
    const actions = held ? ['Hold message', byKey(`${guid}:${user.email}`, LINK_ACTIONS)] : severity === 'suspicious' && rng.chance(0.5) ? [byKey(`${guid}:${user.email}`, SUSPICIOUS_ACTIONS)] : severity === 'malicious' ? [byKey(`${guid}:${user.email}`, UNHELD_MALICIOUS_ACTIONS)] : [];
    return {
      rcpt_to: user.email,
      rcpt_status: held ? 'held' : 'delivered',
      tags,
      is_read: !held && rng.chance(0.4),
      summary: [
        severity === 'benign'
          ? `The sender ${sender.email} has previously sent emails to ${rng.int(1, 40)} users over ${rng.int(2, 400)} separate days.`
          : `There has been no previous email communication between ${user.displayName} and ${sender.email}.`,
        rng.chance(0.6) ? `The email was sent from an authentic source for ${sender.domain}. This was verified via DKIM.` : `The email failed SPF validation for ${sender.domain}.`,
        `The connection source for the email is ${linkHost.country}.`,
      ],
      rcpt_actions_taken: actions,
      action_status: actions.length > 0,
      is_group_email: false,
      requestedRelease: null,
    };
  });
  const dtime = new Date(spec.at).toISOString();
  return {
    uuid: `${guid}.1`,
    direction,
    dtime,
    dtime_unix: spec.at,
    header_from: `"${sender.personal}" <${sender.email}>`,
    header_from_personal: sender.personal,
    header_from_email: sender.email,
    envelope_from: rng.chance(0.85) ? sender.email : `bounce-${rng.hex(6)}@${linkHost.hostname}`,
    header_subject: subject,
    in_progress: false,
    n_links: links.length,
    n_attachments: attachments.length,
    model_score: score,
    campaign_id: spec.campaignId ?? null,
    rcpts,
    restricted_recipients: [],
    links,
    attachments,
  };
}
