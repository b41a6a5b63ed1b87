// ATT&CK techniques and tactics the catalogue refers to (names as Darktrace shows them).

export const TECHNIQUES: Record<string, { name: string; tactic: string }> = {
  T1071: { name: 'Application Layer Protocol', tactic: 'command-and-control' },
  'T1071.001': { name: 'Web Protocols', tactic: 'command-and-control' },
  T1573: { name: 'Encrypted Channel', tactic: 'command-and-control' },
  T1090: { name: 'Proxy', tactic: 'command-and-control' },
  T1095: { name: 'Non-Application Layer Protocol', tactic: 'command-and-control' },
  T1105: { name: 'Ingress Tool Transfer', tactic: 'command-and-control' },
  T1041: { name: 'Exfiltration Over C2 Channel', tactic: 'exfiltration' },
  T1048: { name: 'Exfiltration Over Alternative Protocol', tactic: 'exfiltration' },
  T1030: { name: 'Data Transfer Size Limits', tactic: 'exfiltration' },
  'T1567.002': { name: 'Exfiltration to Cloud Storage', tactic: 'exfiltration' },
  T1074: { name: 'Data Staged', tactic: 'collection' },
  T1039: { name: 'Data from Network Shared Drive', tactic: 'collection' },
  T1114: { name: 'Email Collection', tactic: 'collection' },
  T1530: { name: 'Data from Cloud Storage', tactic: 'collection' },
  'T1021.001': { name: 'Remote Desktop Protocol', tactic: 'lateral-movement' },
  'T1021.002': { name: 'SMB/Windows Admin Shares', tactic: 'lateral-movement' },
  'T1021.004': { name: 'SSH', tactic: 'lateral-movement' },
  T1570: { name: 'Lateral Tool Transfer', tactic: 'lateral-movement' },
  T1210: { name: 'Exploitation of Remote Services', tactic: 'lateral-movement' },
  T1046: { name: 'Network Service Discovery', tactic: 'discovery' },
  T1135: { name: 'Network Share Discovery', tactic: 'discovery' },
  T1018: { name: 'Remote System Discovery', tactic: 'discovery' },
  T1087: { name: 'Account Discovery', tactic: 'discovery' },
  T1595: { name: 'Active Scanning', tactic: 'reconnaissance' },
  T1200: { name: 'Hardware Additions Mitigation', tactic: 'initial-access' },
  T1190: { name: 'Exploit Public-Facing Application', tactic: 'initial-access' },
  'T1566.002': { name: 'Spearphishing Link', tactic: 'initial-access' },
  T1133: { name: 'External Remote Services', tactic: 'initial-access' },
  T1078: { name: 'Valid Accounts', tactic: 'defense-evasion' },
  'T1078.004': { name: 'Cloud Accounts', tactic: 'privilege-escalation' },
  T1098: { name: 'Account Manipulation', tactic: 'persistence' },
  'T1136.003': { name: 'Cloud Account', tactic: 'persistence' },
  'T1053.005': { name: 'Scheduled Task', tactic: 'execution' },
  'T1569.002': { name: 'Service Execution', tactic: 'execution' },
  T1204: { name: 'User Execution', tactic: 'execution' },
  T1110: { name: 'Brute Force', tactic: 'credential-access' },
  T1187: { name: 'Forced Authentication', tactic: 'credential-access' },
  T1486: { name: 'Data Encrypted for Impact', tactic: 'impact' },
  T1490: { name: 'Inhibit System Recovery', tactic: 'impact' },
  T1578: { name: 'Modify Cloud Compute Infrastructure', tactic: 'defense-evasion' },
};

export function techniquesFor(ids: readonly string[]): { technique: string; techniqueID: string }[] {
  return ids.map((id) => ({ technique: TECHNIQUES[id]?.name ?? id, techniqueID: id }));
}

export function tacticsFor(ids: readonly string[]): string[] {
  const out: string[] = [];
  for (const id of ids) {
    const tactic = TECHNIQUES[id]?.tactic;
    if (tactic && !out.includes(tactic)) out.push(tactic);
  }
  return out;
}
