// Darktrace/Email tags (darktrace-api.md §6.2), served at resources/tags.

type Status = 'critical' | 'warn' | 'info';
const READABLE: Record<Status, string> = { critical: 'Critical', warn: 'Warning', info: 'Informational' };

const RAW: [Status, string, string, string | null][] = [
  ['critical', 'at', 'Email Account Takeover', 'Association'], ['critical', 'bi', 'Brand Impersonation', 'Content'],
  ['critical', 'ch', 'Credential Harvesting', 'Content'], ['critical', 'cpa', 'Cloud Platform Abuse', 'Content'],
  ['critical', 'df', 'Document Anomalies', 'Content'], ['critical', 'ex', 'Extortion', 'Content'],
  ['critical', 'fa', 'Forged Address', 'Association'], ['critical', 'faa', 'Fake Account Alert', 'Content'],
  ['critical', 'fsr', 'Payment Scare', 'Content'], ['critical', 'ld', 'Lookalike Domain', 'Association'],
  ['critical', 'mp', 'Multistage Payload', 'Content'], ['critical', 'mr', 'Malware or Ransomware', 'Content'],
  ['critical', 'pa', 'Phishing Attachment', 'Content'], ['critical', 'pl', 'Phishing Link', 'Content'],
  ['critical', 'ps', 'User Impersonation', 'Association'], ['critical', 'si', 'Internal IT Impersonation', 'Content'],
  ['critical', 'so', 'Solicitation', 'Content'], ['critical', 'sp', 'Spam', 'Content'], ['critical', 'vi', 'VIP Impersonation', 'Association'],
  ['warn', 'ah', 'Out of Character', 'History'], ['warn', 'ccl', 'Cold Call', 'Content'], ['warn', 'ci', 'Compromise Indicators', 'Content'],
  ['warn', 'dl', 'Data Loss', 'Content'], ['warn', 'ftc', 'First Time Contact', 'History'], ['warn', 'gm', 'Graymail', 'Content'],
  ['warn', 'ic', 'Inconsistent Content', 'Content'], ['warn', 'lh', 'Low Mailing History', 'History'], ['warn', 'me', 'Misdirected Email', 'Association'],
  ['warn', 'na', 'No Association', 'Association'], ['warn', 'ncft', 'New Correspondent File Transfer', 'History'],
  ['warn', 'np', 'Non-Productive Mail', 'Content'], ['warn', 'nsft', 'New Sensitive File Transfer', 'Content'],
  ['warn', 'paft', 'Personal Account File Transfer', 'Association'], ['warn', 'pr', 'Personal Address', 'Association'],
  ['warn', 'rs', 'Response to Solicitation', 'Content'], ['warn', 'sa', 'Suspicious Attachment', 'Content'], ['warn', 'sl', 'Suspicious Link', 'Content'],
  ['warn', 'sr', 'Singular Relationship', 'Association'], ['warn', 'ss', 'Spoofing Indicators', 'Association'], ['warn', 'ubm', 'Unknown Bulk Mailer', 'History'],
  ['warn', 'uc', 'Unknown Correspondent', 'History'], ['warn', 'un', 'Unknown Intent', 'Content'], ['warn', 'vai', 'Validation Issues', 'Association'],
  ['warn', 'wd', 'Wide Distribution', 'Association'],
  ['info', 'aa', 'Automatic Response', 'Content'], ['info', 'ac', 'Account Confirmation', 'Content'], ['info', 'ar', 'Automated Report', 'Content'],
  ['info', 'bm', 'Mailer', null], ['info', 'ca', 'Calendar', 'Content'], ['info', 'cc', 'Consistent Content', 'Content'],
  ['info', 'ec', 'Established Correspondent', 'History'], ['info', 'ed', 'Established Domain Relationship', 'History'], ['info', 'fm', 'Freemail', 'Association'],
  ['info', 'hh', 'High Mailing History', 'History'], ['info', 'kc', 'Known Correspondent', 'History'], ['info', 'kd', 'Known Domain Relationship', 'History'],
  ['info', 'mh', 'Moderate Mailing History', 'History'], ['info', 'nd', 'Narrow Distribution', 'Association'], ['info', 'no', 'Notification', 'Content'],
  ['info', 'ns', 'New Correspondent', 'History'], ['info', 'rc', 'Active Conversation', 'History'], ['info', 'ud', 'Undeliverable', 'Content'], ['info', 'vip', 'VIP', null],
];

export interface EmailTag {
  tag_id: string;
  name: string;
  description: string;
  status: Status;
  readable_status: string;
  category: string | null;
}

export const EMAIL_TAGS: EmailTag[] = RAW.map(([status, id, name, category]) => ({
  tag_id: id,
  name,
  description: `Darktrace/Email tag: ${name}.`,
  status,
  readable_status: READABLE[status],
  category,
}));
