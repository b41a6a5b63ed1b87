// Model components: the metric a model watches and the filters whose trigger values a breach
// records. Each kind lists filter templates; the breach generator fills the trigger values from the
// breach's context (device, external endpoint, port, volume…).
import { enumCode } from './enums.ts';

export interface BreachContext {
  /** External endpoint involved, if any. */
  hostname?: string;
  ip?: string;
  port: number;
  /** The device's ephemeral source port of the connection (the "Source port" display filter). */
  sourcePort: number;
  /** Internal peer device name (lateral movement, scans). */
  peer?: string;
  bytes: number;
  message: string;
  /** A 0–100 strength (beaconing score, rarity…). */
  strength: number;
  /** Related model (meta-models, Antigena). */
  relatedModel?: string;
  protocol: 'TCP' | 'UDP';
  application: string;
}

export interface FilterTemplate {
  filterType: string;
  comparatorType: string;
  /** Value in the model's filter definition (`arguments.value`). */
  argument?: string | number;
  /** Produces `trigger.value` (always a string) from the breach context. */
  trigger: (c: BreachContext) => string;
}

export interface ComponentKind {
  metric: { mlid: number; name: string; label: string };
  threshold: number;
  interval: number;
  filters: FilterTemplate[];
  /** Names of display filters, rendered with ids d1, d2… and comparatorType "display". */
  display: FilterTemplate[];
}

const M = {
  external: { mlid: 1, name: 'externalconnections', label: 'External Connections' },
  connections: { mlid: 16, name: 'connections', label: 'Connections' },
  dns: { mlid: 11, name: 'dnsrequests', label: 'DNS Requests' },
  system: { mlid: 207, name: 'dtsystem', label: 'System' },
  modelbreach: { mlid: 234, name: 'dtmodelbreach', label: 'Model' },
  upload: { mlid: 33, name: 'externalclientdatatransfervolume', label: 'External Data Volume as a Client' },
  internalVolume: { mlid: 35, name: 'internalclientdatatransfervolume', label: 'Internal Data Volume as a Client' },
  saas: { mlid: 341, name: 'saasevents', label: 'SaaS Events' },
};

const hostname = (c: BreachContext) => c.hostname ?? '';
const ip = (c: BreachContext) => c.ip ?? '';
const port = (c: BreachContext) => String(c.port);
const sourcePort = (c: BreachContext) => String(c.sourcePort);
const strength = (c: BreachContext) => String(c.strength);
const bytes = (c: BreachContext) => String(c.bytes);
const peer = (c: BreachContext) => c.peer ?? '';
const message = (c: BreachContext) => c.message;
const app = (c: BreachContext) => enumCode('applicationprotocol', c.application);
const proto = (c: BreachContext) => enumCode('protocol', c.protocol);
const out = () => enumCode('direction', 'out');
const related = (c: BreachContext) => c.relatedModel ?? '';

const f = (filterType: string, comparatorType: string, argument: string | number | undefined, trigger: FilterTemplate['trigger']): FilterTemplate => ({ filterType, comparatorType, argument, trigger });
const d = (filterType: string, trigger: FilterTemplate['trigger']): FilterTemplate => ({ filterType, comparatorType: 'display', trigger });

export const COMPONENT_KINDS: Record<string, ComponentKind> = {
  beacon: {
    metric: M.external, threshold: 10, interval: 3600,
    filters: [f('Beaconing score', '>', 60, strength), f('Rare domain', '>', 90, (c) => String(Math.min(100, c.strength + 3))), f('Direction', 'is', 'out', out)],
    display: [d('Connection hostname', hostname), d('Destination IP', ip), d('Destination port', port), d('Source port', sourcePort)],
  },
  exfil: {
    metric: M.upload, threshold: 1, interval: 3600,
    filters: [f('Individual size up', '>', 104857600, bytes), f('Rare external IP', '>', 80, strength), f('Direction', 'is', 'out', out)],
    display: [d('Connection hostname', hostname), d('Destination IP', ip), d('Destination port', port), d('Application protocol', app), d('Source port', sourcePort)],
  },
  file: {
    metric: M.external, threshold: 1, interval: 3600,
    filters: [f('URI', 'matches regular expression', '\\.(exe|zip|gz|ps1|js)$', message), f('HTTP method', 'is', 'GET', () => 'GET'), f('Rare domain', '>', 90, strength)],
    display: [d('Connection hostname', hostname), d('Destination IP', ip), d('User agent', () => 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)')],
  },
  scan: {
    metric: M.connections, threshold: 50, interval: 600,
    filters: [f('New or uncommon occurrence', '>', 90, strength), f('Protocol', '=', 6, proto), f('Direction', 'is', 'out', out)],
    display: [d('Internal destination device name', peer), d('Destination port', port), d('Source port', sourcePort)],
  },
  smb: {
    metric: M.connections, threshold: 5, interval: 3600,
    filters: [f('Application protocol', '=', 4, app), f('Destination port', '=', 445, port), f('Message', 'contains', 'SMB', message)],
    display: [d('Internal destination device name', peer), d('Message', message), d('Source port', sourcePort)],
  },
  rdp: {
    metric: M.connections, threshold: 1, interval: 3600,
    filters: [f('Application protocol', '=', 5, app), f('Destination port', '=', 3389, port), f('New or uncommon occurrence', '>', 80, strength)],
    display: [d('Internal destination device name', peer), d('Source port', sourcePort)],
  },
  ssh: {
    metric: M.external, threshold: 1, interval: 3600,
    filters: [f('Destination port', '=', 22, port), f('Rare external IP', '>', 90, strength), f('Application protocol', '=', 6, app)],
    display: [d('Destination IP', ip), d('ASN', () => 'AS14061 DIGITALOCEAN-ASN'), d('Source port', sourcePort)],
  },
  internal: {
    metric: M.connections, threshold: 20, interval: 3600,
    filters: [f('New or uncommon occurrence', '>', 85, strength), f('Destination port', '=', 135, port)],
    display: [d('Internal destination device name', peer), d('Application protocol', app), d('Source port', sourcePort)],
  },
  internalData: {
    metric: M.internalVolume, threshold: 1, interval: 3600,
    filters: [f('Individual size up', '>', 1073741824, bytes), f('Internal source device type', 'is', 'Desktop', () => '3')],
    display: [d('Internal destination device name', peer), d('Application protocol', app)],
  },
  external: {
    metric: M.external, threshold: 1, interval: 3600,
    filters: [f('Rare external IP', '>', 70, strength), f('Destination port', '=', 443, port)],
    display: [d('Connection hostname', hostname), d('Destination IP', ip), d('Source port', sourcePort)],
  },
  dns: {
    metric: M.dns, threshold: 1, interval: 3600,
    filters: [f('DNS host lookup', 'matches', '*', hostname), f('Age of external hostname', '<', 86400, () => '3600')],
    display: [d('Connection hostname', hostname)],
  },
  credential: {
    metric: M.connections, threshold: 3, interval: 3600,
    filters: [f('Message', 'matches regular expression', 'credential', message), f('New or uncommon occurrence', '>', 90, strength)],
    display: [d('Internal destination device name', peer)],
  },
  saas: {
    metric: M.saas, threshold: 1, interval: 3600,
    filters: [f('Event details', 'contains', '', message), f('Rare external IP', '>', 90, strength)],
    display: [d('Destination IP', ip), d('ASN', () => 'AS577 BACOM')],
  },
  meta: {
    metric: M.modelbreach, threshold: 3, interval: 3600,
    filters: [f('Strength of model breach', '>', 50, strength), f('Message', 'contains', '', related)],
    display: [d('Event details', message)],
  },
  antigena: {
    metric: M.modelbreach, threshold: 1, interval: 3600,
    filters: [f('Strength of model breach', '>', 20, strength), f('Tagged internal source', 'has tag', 'Antigena All', () => 'Antigena All'), f('Message', 'contains', '', related)],
    display: [d('Event details', message)],
  },
  system: {
    metric: M.system, threshold: 1, interval: 3600,
    filters: [f('System message', 'is', 'Probe error', () => 'Probe error')],
    display: [d('Event details', message)],
  },
  ransom: {
    metric: M.connections, threshold: 1, interval: 3600,
    filters: [f('Application protocol', '=', 4, app), f('Message', 'matches regular expression', '(ransom|decrypt|bitcoin)', message), f('Destination port', '=', 445, port)],
    display: [d('Internal destination device name', peer), d('Source port', sourcePort)],
  },
  test: {
    metric: M.modelbreach, threshold: 0, interval: 3600,
    filters: [f('Event details', 'contains', 'test', () => 'Darktrace alert settings test')],
    display: [],
  },
};
