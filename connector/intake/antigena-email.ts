// Darktrace/Email email object (darktrace-api.md §6.1) → `Antigena Email` push record (sentinel-table.md §5.4).
import { emailTimestampString } from './time-formats.ts';
import { isObject, optNumber, optString, requireNumber, requireString, stringArray, type Json } from './fields.ts';
import { MalformedAlertError, type MappedAlert, type MappingContext, type PushRecord } from './types.ts';
import { identityKey } from './identity.ts';

// The API says "Hold message"; the Sentinel push uses the current UI strings (§4e), matched without
// regard to case (the simulator's other API strings are guessed in that wording). Older codes map too.
const CURRENT_ACTIONS = ['Hold', 'Move to Junk', 'Lock Link', 'Lock All Links', 'Double Lock Link', 'Double Lock All Links', 'Strip All Attachments', 'Convert Attachment', 'Convert All Attachments', 'Unspoof'];
const ACTION_NAMES: Record<string, string> = {
  ...Object.fromEntries(CURRENT_ACTIONS.map((a) => [a.toLowerCase(), a])),
  'hold message': 'Hold',
  junk: 'Move to Junk',
  locked_link: 'Lock Link',
  double_locked_link: 'Double Lock Link',
  strip_attachment: 'Strip All Attachments',
  convert_attachment: 'Convert Attachment',
};

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

export function mapAntigenaEmail(email: Json, ctx: MappingContext): MappedAlert {
  const uuid = requireString(email, 'uuid', 'email');
  let timeMs = optNumber(email.dtime_unix, NaN);
  if (!Number.isFinite(timeMs)) timeMs = Date.parse(optString(email.dtime));
  if (!Number.isFinite(timeMs)) throw new MalformedAlertError("email: 'dtime' or 'dtime_unix' must give the time");
  const score = requireNumber(email, 'model_score', 'email');
  const rcpts = (Array.isArray(email.rcpts) ? email.rcpts : []).filter(isObject);
  const actions = unique(rcpts.flatMap((r) => stringArray(r.rcpt_actions_taken)).map((a) => ACTION_NAMES[a.toLowerCase()] ?? a));
  const attachments = (Array.isArray(email.attachments) ? email.attachments : []).filter(isObject);
  const sha1 = attachments.map((a) => optString(a.sha1)).find((s) => s !== '') ?? optString(email.attachment_sha1s);
  const links = (Array.isArray(email.links) ? email.links : []).map((l) => (isObject(l) ? optString(l.link_host ?? l.host) : optString(l)));
  const record: PushRecord = {
    dtProduct: 'Antigena Email',
    actions,
    anomaly_score: score,
    attachment_sha1s: sha1,
    direction: optString(email.direction),
    from: optString(email.header_from_email) || optString(email.header_from),
    link_hosts: unique([...links.filter((h) => h !== ''), ...stringArray(email.link_hosts)]),
    recipients: rcpts.map((r) => optString(r.rcpt_to)).filter((r) => r !== ''),
    subject: optString(email.header_subject),
    tags: unique(rcpts.flatMap((r) => stringArray(r.tags))),
    timestamp: emailTimestampString(timeMs),
    url: `${ctx.linkBase}/agemail/?uuid=${uuid}`,
    uuid,
  };
  return { type: 'Antigena Email', key: identityKey('Antigena Email', uuid), record, timeMs, score };
}

