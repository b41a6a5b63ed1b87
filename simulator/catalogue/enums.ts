// Numeric enums the API renders as numbers unless `expandenums=true` (served at GET /enums).
// Darktrace's real numbering is not public: these codes are a simulator choice.

export const ENUMS: Record<string, Record<string, string>> = {
  protocol: { '1': 'ICMP', '6': 'TCP', '17': 'UDP' },
  applicationprotocol: {
    '0': 'Unknown', '1': 'HTTP', '2': 'HTTPS', '3': 'DNS', '4': 'SMB', '5': 'RDP', '6': 'SSH',
    '7': 'KERBEROS', '8': 'NTLM', '9': 'DCE_RPC', '10': 'SSL', '11': 'LDAP', '12': 'SMTP',
  },
  direction: { '0': 'in', '1': 'out' },
};

/** filterType → the enum its trigger values come from. */
export const FILTER_ENUM: Record<string, string> = {
  Protocol: 'protocol',
  'Application protocol': 'applicationprotocol',
  Direction: 'direction',
};

const REVERSE: Record<string, Map<string, string>> = Object.fromEntries(
  Object.entries(ENUMS).map(([name, table]) => [name, new Map(Object.entries(table).map(([code, label]) => [label, code]))]),
);

export function enumCode(enumName: string, label: string): string {
  const code = REVERSE[enumName]!.get(label);
  if (code === undefined) throw new Error(`no ${enumName} enum for ${label}`);
  return code;
}
