// Cyber AI Analyst incident events (`/aianalyst/incidentevents` elements). An event always
// summarises breaches that exist, on its own devices; events of one incident share currentGroup.
import type { Rng } from '../random.ts';
import type { Device, World } from '../world/types.ts';
import type { AiaDeviceRef, IncidentEvent, ModelBreach } from '../types.ts';
import type { GenContext } from './context.ts';
import { deviceName } from './devices.ts';

export interface IncidentTemplate {
  title: string;
  summariser: string;
  category: 'critical' | 'suspicious' | 'compliance';
  score: [number, number];
  attackPhases: number[];
  mitreTactics: string[];
  /** Breach models the background incident raises on the device first. */
  models: string[];
  target: 'client' | 'server' | 'saas';
  /** First paragraph of the summary; `{device}`, `{ip}`, `{endpoint}`, `{count}` are filled in. */
  lead: string;
  header: string;
}

export const INCIDENT_TEMPLATES: IncidentTemplate[] = [
  { title: 'Possible SSL Command and Control', summariser: 'BeaconSummary', category: 'critical', score: [70, 96], attackPhases: [2], mitreTactics: ['command-and-control'], models: ['Compromise::Beaconing Activity To External Rare', 'Compromise::SSL Beaconing to New Endpoint'], target: 'client', lead: 'The device {device} was observed making multiple SSL connections to the rare external endpoint {endpoint}, at regular intervals consistent with beaconing.', header: 'Beaconing Activity' },
  { title: 'Unusual External Data Transfer', summariser: 'ExfilSummary', category: 'critical', score: [60, 95], attackPhases: [6], mitreTactics: ['exfiltration'], models: ['Unusual Activity::Unusual External Data Transfer', 'Anomalous Connection::Uncommon 1 GiB Outbound'], target: 'client', lead: 'The device {device} was observed uploading an unusually large volume of data to {endpoint}, an endpoint that is rare for the network.', header: 'Data Transfer' },
  { title: 'Extensive Unusual SSH Connections', summariser: 'AdminConnSummary', category: 'critical', score: [85, 99], attackPhases: [5], mitreTactics: ['lateral-movement'], models: ['Compromise::SSH Beacon', 'Anomalous Connection::Unusual Internal Connections'], target: 'server', lead: 'The device {device} was observed making unusual internal SSH connections to {count} devices.', header: 'SSH Activity' },
  { title: 'Port Scanning', summariser: 'ScanSummary', category: 'suspicious', score: [40, 70], attackPhases: [4], mitreTactics: ['discovery'], models: ['Device::Network Scan', 'Device::Suspicious Network Scan Activity'], target: 'client', lead: 'The device {device} was observed making connections to a large number of ports on {count} internal devices, consistent with a port scan.', header: 'Port Scanning' },
  { title: 'Scanning of Multiple Devices', summariser: 'ScanSummary', category: 'suspicious', score: [40, 75], attackPhases: [4], mitreTactics: ['discovery'], models: ['Device::Network Scan', 'Device::RDP Scan'], target: 'client', lead: 'The device {device} was observed scanning {count} internal devices.', header: 'Scanning Activity' },
  { title: 'Extensive Unusual RDP Connections', summariser: 'AdminConnSummary', category: 'critical', score: [70, 95], attackPhases: [5], mitreTactics: ['lateral-movement'], models: ['Anomalous Connection::Unusual Internal Remote Desktop', 'Device::RDP Scan'], target: 'client', lead: 'The device {device} was observed making unusual internal RDP connections to {count} devices.', header: 'RDP Activity' },
  { title: 'Unusual Internal Upload', summariser: 'InternalUploadSummary', category: 'suspicious', score: [35, 70], attackPhases: [6], mitreTactics: ['collection'], models: ['Unusual Activity::Unusual Large Internal Transfer', 'Unusual Activity::High Volume Client Data Transfer'], target: 'client', lead: 'The device {device} was observed uploading an unusual volume of data to an internal device.', header: 'Internal Upload' },
  { title: 'Possible Application Layer Reconnaissance Activity', summariser: 'ReconSummary', category: 'suspicious', score: [35, 65], attackPhases: [4], mitreTactics: ['reconnaissance', 'discovery'], models: ['Device::Multiple RPC Requests for Unknown Services', 'Anomalous Connection::Unusual Internal Connections'], target: 'client', lead: 'The device {device} was observed making a large number of application-layer requests to {count} internal devices.', header: 'Reconnaissance' },
  { title: 'Unusual Repeated Connections', summariser: 'BeaconSummary', category: 'suspicious', score: [30, 60], attackPhases: [2], mitreTactics: ['command-and-control'], models: ['Compromise::HTTP Beaconing to New Endpoint'], target: 'client', lead: 'The device {device} was observed making repeated connections to the rare external endpoint {endpoint}.', header: 'Repeated Connections' },
  { title: 'Possible HTTP Command and Control', summariser: 'BeaconSummary', category: 'critical', score: [60, 92], attackPhases: [2], mitreTactics: ['command-and-control'], models: ['Compromise::HTTP Beaconing to New Endpoint', 'Compromise::Agent Beacon to New Endpoint'], target: 'client', lead: 'The device {device} was observed making repeated HTTP connections to the rare external endpoint {endpoint}, following a file download from the same endpoint.', header: 'HTTP Activity' },
  { title: 'Possible Encryption of Files over SMB', summariser: 'SmbEncryptionSummary', category: 'critical', score: [85, 100], attackPhases: [6], mitreTactics: ['impact', 'lateral-movement'], models: ['Compromise::Ransomware::Ransom or Offensive Words Written to SMB', 'Device::SMB Lateral Movement'], target: 'client', lead: 'The device {device} was observed writing files with ransom-related names to SMB shares on {count} internal devices.', header: 'SMB Activity' },
  { title: 'Possible Hijack of Office365 Account', summariser: 'SaasHijackSummary', category: 'critical', score: [80, 98], attackPhases: [3], mitreTactics: ['privilege-escalation'], models: ['SaaS::Access::Unusual External Source for SaaS Credential Use', 'SaaS::Compromise::Login From Rare Endpoint While User Is Active'], target: 'saas', lead: 'The SaaS account {device} was observed performing actions from the unusual external source {ip}.', header: 'SaaS User Details' },
  { title: 'Possible Unsecured AzureActiveDirectory Resource', summariser: 'SaasResourceSummary', category: 'compliance', score: [20, 50], attackPhases: [1], mitreTactics: ['initial-access'], models: ['SaaS::Resource::Repeated Unusual SaaS Resource Creation'], target: 'saas', lead: 'The SaaS account {device} was observed creating a resource that is accessible without authentication.', header: 'SaaS Resource' },
];

const SECOND_PARAGRAPH = [
  'Though this behaviour could be the result of legitimate activity, it could also be a sign of compromise. Consequently, the security team may wish to investigate this activity further.',
  'If this activity was not expected, the security team may wish to review the device and the endpoints involved.',
  'This activity was unusual for the device and its peer group, and may indicate that the device is under the control of a malicious actor.',
];

export function aiaDeviceRef(world: World, device: Device | { did: number }): AiaDeviceRef {
  const d = device as Device;
  const subnet = world.subnets.find((s) => s.sid === d.sid);
  const saas = d.sid === -9;
  const name = d.hostname ?? d.ip ?? null;
  return {
    identifier: name,
    hostname: d.hostname ?? null,
    ip: saas ? null : (d.ip ?? null),
    mac: d.macaddress ?? null,
    subnet: saas ? null : (subnet?.label ?? null),
    did: d.did,
    sid: d.sid ?? 0,
  };
}

export interface IncidentGroup {
  id: string;
  score: number;
  category: string;
  previous: string[];
  activityId: string;
  groupingId: string;
}

export function newIncidentGroup(rng: Rng, category: string): IncidentGroup {
  return { id: `g${rng.guid()}`, score: Math.round(rng.float(20, 99) * 1e9) / 1e9, category, previous: [], activityId: rng.hex(8), groupingId: rng.hex(8) };
}

export interface IncidentSpec {
  template: IncidentTemplate;
  at: number;
  devices: Device[];
  breaches: ModelBreach[];
  group: IncidentGroup;
  /** For events sourced from Darktrace/EMAIL: the sender (breachDevices then empty). */
  sender?: string;
  title?: string;
}

export function generateIncidentEvent(ctx: GenContext, rng: Rng, spec: IncidentSpec): IncidentEvent {
  const { template, breaches } = spec;
  const id = rng.guid();
  const first = breaches.length ? Math.min(...breaches.map((b) => b.time)) : spec.at - 600_000;
  const last = breaches.length ? Math.max(...breaches.map((b) => b.creationTime)) : spec.at - 60_000;
  const device = spec.devices[0];
  const name = device ? deviceName(device) : (spec.sender ?? 'unknown');
  const endpoint = firstDisplay(breaches, 'Connection hostname') ?? firstDisplay(breaches, 'Destination IP') ?? 'an external endpoint';
  const ip = firstDisplay(breaches, 'Destination IP') ?? '0.0.0.0';
  const count = String(rng.int(3, 40));
  const fill = (s: string) => s.replace('{device}', name).replace('{endpoint}', endpoint).replace('{ip}', ip).replace('{count}', count);
  const summary = `${fill(template.lead)}\n\n${rng.pick(SECOND_PARAGRAPH)}`;
  const refs = spec.sender ? [] : spec.devices.map((d) => aiaDeviceRef(ctx.world, d));
  const [lo, hi] = template.score;
  const event: IncidentEvent = {
    summariser: template.summariser,
    acknowledged: false,
    pinned: rng.chance(0.2),
    createdAt: spec.at,
    attackPhases: template.attackPhases,
    mitreTactics: template.mitreTactics,
    title: spec.title ?? template.title,
    id,
    children: [id],
    category: template.category,
    currentGroup: spec.group.id,
    groupCategory: spec.group.category,
    groupScore: spec.group.score,
    groupPreviousGroups: spec.group.previous,
    activityId: spec.group.activityId,
    groupingIds: [spec.group.groupingId],
    groupByActivity: false,
    userTriggered: false,
    externalTriggered: false,
    aiaScore: rng.int(lo, hi),
    summary,
    periods: [{ start: first, end: last }],
    breachDevices: refs,
    relatedBreaches: breaches.map((b) => ({
      modelName: b.model.then.name.split('::').join(' / '),
      pbid: b.pbid,
      threatScore: Math.round(b.score * 100),
      timestamp: b.time,
    })),
    sender: spec.sender ?? null,
    details: [
      [
        {
          header: template.header,
          contents: [
            ...(refs[0] ? [{ key: 'Source device', type: 'device', values: [refs[0]] }] : []),
            { key: 'Time', type: 'timestampRange', values: [{ start: first, end: last }] },
            { key: 'Endpoint', type: 'string', values: [endpoint] },
            { key: 'Related model alerts', type: 'integer', values: [breaches.length] },
          ],
        },
      ],
    ],
  };
  // Cross-link: each breach names the AI Analyst event that covers it (`aianalystData`).
  const related = breaches.map((b) => b.pbid);
  for (const b of breaches) b.aianalystData.push({ uuid: id, related, summariser: template.summariser });
  return event;
}

function firstDisplay(breaches: ModelBreach[], filterType: string): string | undefined {
  for (const b of breaches) {
    for (const c of b.triggeredComponents) {
      for (const f of c.triggeredFilters) if (f.filterType === filterType && f.trigger.value) return f.trigger.value;
    }
  }
  return undefined;
}
