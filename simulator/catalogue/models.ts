// The model catalogue: real Darktrace model names (darktrace-api.md §8.1, plus a few Anomalous
// File / SaaS names from Darktrace's public write-ups), each with pid, phid, a stable uuid,
// priority, category, tags, MITRE techniques and a description, in the API's model shape.
import { Rng } from '../random.ts';
import { formatDtTime } from '../clock.ts';
import { COMPONENT_KINDS, type ComponentKind } from './components.ts';
import { tacticsFor, techniquesFor } from './mitre.ts';

export type Target = 'client' | 'server' | 'dc' | 'saas' | 'cloud' | 'network' | 'any' | 'system' | 'test';

interface ModelDef {
  name: string;
  priority: number;
  tags: string[];
  techniques: string[];
  kind: keyof typeof COMPONENT_KINDS;
  target: Target;
  body: string;
  action: string;
}

const D = (
  name: string, priority: number, tags: string[], techniques: string[], kind: keyof typeof COMPONENT_KINDS, target: Target, body: string,
  action = 'Review the device and the destination to determine whether this activity is expected.',
): ModelDef => ({ name, priority, tags, techniques, kind, target, body, action });

const C2 = ['AP: C2 Comms'];
const RECON = ['AP: Internal Recon'];
const EGRESS = ['AP: Egress'];
const EXPLOIT = ['AP: Exploit'];
const BRUTE = ['AP: Bruteforce'];

export const MODEL_DEFS: ModelDef[] = [
  // Anomalous Connection
  D('Anomalous Connection::Uncommon 1 GiB Outbound', 2, EGRESS, ['T1041', 'T1567.002'], 'exfil', 'client', 'A device is uploading an unusually large volume of data (over 1 GiB) to an external endpoint it does not normally upload to.'),
  D('Anomalous Connection::Data Sent to Rare Domain', 3, EGRESS, ['T1041', 'T1567.002'], 'exfil', 'client', 'A device has sent data to a domain that is rare for the network.'),
  D('Anomalous Connection::Low and Slow Exfiltration to IP', 4, EGRESS, ['T1030', 'T1041'], 'exfil', 'client', 'A device is sending small amounts of data to a rare external IP over a long period, which may indicate low and slow data exfiltration.'),
  D('Anomalous Connection::Download and Upload', 3, EGRESS, ['T1041', 'T1105'], 'exfil', 'client', 'A device has downloaded and then uploaded significant data to a rare external endpoint.'),
  D('Anomalous Connection::Multiple Connections to New External TCP Port', 2, C2, ['T1071', 'T1095'], 'beacon', 'client', 'A device is making multiple connections to a new external TCP port.'),
  D('Anomalous Connection::Multiple Connections to New External UDP Port', 2, C2, ['T1095'], 'beacon', 'client', 'A device is making multiple connections to a new external UDP port.'),
  D('Anomalous Connection::Possible Data Staging and External Upload', 4, EGRESS, ['T1074', 'T1041'], 'exfil', 'client', 'A device has downloaded a large volume of data from internal devices and then uploaded a similar volume to a rare external endpoint.'),
  D('Anomalous Connection::Unusual Internal Connections', 2, RECON, ['T1046'], 'internal', 'client', 'A device is making unusual connections to internal devices.'),
  D('Anomalous Connection::Unusual Internal Remote Desktop', 3, [], ['T1021.001'], 'rdp', 'client', 'A device has made an unusual remote desktop connection to an internal device.'),
  D('Anomalous Connection::Unusual Incoming Data Volume', 2, [], ['T1105'], 'exfil', 'server', 'A device is receiving an unusually large volume of data.'),
  D('Anomalous Connection::Possible Flow Device Brute Force', 4, BRUTE, ['T1110'], 'internal', 'network', 'A device is making repeated connections to a network infrastructure device that may indicate a brute-force attempt.'),
  D('Anomalous Connection::SMB Enumeration', 3, RECON, ['T1135'], 'smb', 'client', 'A device is enumerating SMB shares on multiple internal devices.'),
  D('Anomalous Connection::Multiple Failed Connections to Rare Endpoint', 2, C2, ['T1071'], 'beacon', 'client', 'A device is repeatedly failing to connect to a rare external endpoint.'),
  D('Anomalous Connection::New or Uncommon Service Control', 3, EXPLOIT, ['T1569.002'], 'smb', 'client', 'A device has performed service control over SMB to a device it does not normally control.'),
  D('Anomalous Connection::High Volume of New or Uncommon Service Control', 4, EXPLOIT, ['T1569.002'], 'smb', 'client', 'A device has performed service control over SMB to many devices.'),
  // Anomalous File
  D('Anomalous File::Masqueraded File Transfer', 4, EXPLOIT, ['T1105'], 'file', 'client', 'A device has downloaded a file whose extension does not match its content type.'),
  D('Anomalous File::EXE from Rare External Location', 3, [], ['T1105'], 'file', 'client', 'A device has downloaded an executable file from a rare external location.'),
  D('Anomalous File::Zip or Gzip from Rare External Location', 2, [], ['T1105'], 'file', 'client', 'A device has downloaded a compressed file from a rare external location.'),
  D('Anomalous File::Script from Rare External Location', 3, [], ['T1105'], 'file', 'client', 'A device has downloaded a script file from a rare external location.'),
  D('Anomalous File::Internal::Unusual SMB Script Write', 4, EXPLOIT, ['T1570'], 'smb', 'client', 'A device has written a script file to an SMB share on an internal device it does not normally write to.'),
  // Anomalous Server Activity
  D('Anomalous Server Activity::Outgoing from Server', 2, C2, ['T1071'], 'external', 'server', 'A server is making outgoing connections to a rare external endpoint.'),
  D('Anomalous Server Activity::Domain Controller Initiated to Client', 3, [], ['T1210'], 'internal', 'dc', 'A domain controller has initiated unusual connections to a client device.'),
  D('Anomalous Server Activity::Anomalous External Activity from Critical Network Device', 4, C2, ['T1071'], 'external', 'network', 'A critical network device is making unusual external connections.'),
  // Compromise
  D('Compromise::Beaconing Activity To External Rare', 2, C2, ['T1071.001', 'T1573'], 'beacon', 'client', 'A device has been repeatedly connecting to a rare external location with a beacon score. A beacon score is generated when connections are made at regular intervals.', 'Review the device to identify the process making the connections and whether the destination is expected.'),
  D('Compromise::SSH Beacon', 4, C2, ['T1573'], 'ssh', 'any', 'A device is making regular SSH connections to a rare external endpoint.'),
  D('Compromise::Large Number of Suspicious Successful Connections', 4, C2, ['T1071'], 'beacon', 'client', 'A device is making a large number of successful connections to suspicious external endpoints.'),
  D('Compromise::Watched Domain', 5, C2, ['T1071'], 'dns', 'any', 'A device has connected to a domain on the watched domains list.', 'Investigate the device immediately: the destination is on a threat-intelligence watch list.'),
  D('Compromise::Agent Beacon to New Endpoint', 4, C2, ['T1071.001'], 'beacon', 'client', 'A device is beaconing to a new external endpoint with a consistent user agent.'),
  D('Compromise::SSL Beaconing to New Endpoint', 3, C2, ['T1573'], 'beacon', 'client', 'A device is making regular SSL connections to a new external endpoint.'),
  D('Compromise::HTTP Beaconing to New Endpoint', 3, C2, ['T1071.001'], 'beacon', 'client', 'A device is making regular HTTP connections to a new external endpoint.'),
  D('Compromise::Ransomware::Ransom or Offensive Words Written to SMB', 4, EXPLOIT, ['T1486'], 'ransom', 'client', 'A device has written a file containing ransom or offensive words to an SMB share.', 'Isolate the device and check the share for encrypted files.'),
  // Compliance
  D('Compliance::SSH to Rare External Destination', 1, [], ['T1021.004'], 'ssh', 'any', 'A device has made an SSH connection to a rare external destination.'),
  D('Compliance::Incoming Remote Desktop', 1, [], ['T1133'], 'rdp', 'server', 'A device is receiving remote desktop connections from the internet.'),
  D('Compliance::External Windows Communications', 1, [], ['T1071'], 'external', 'client', 'A device is using Windows communication protocols with an external endpoint.'),
  D('Compliance::Outgoing NTLM Request from DC', 2, [], ['T1187'], 'external', 'dc', 'A domain controller has made an NTLM request to an external endpoint.'),
  D('Compliance::High Priority Compliance Model Alert', 5, [], [], 'meta', 'any', 'A high priority compliance model has alerted on this device.'),
  // Device
  D('Device::Attack and Recon Tools', 4, RECON, ['T1200'], 'scan', 'client', 'A device is using attack or reconnaissance tools.'),
  D('Device::Network Scan', 2, RECON, ['T1046'], 'scan', 'client', 'A device is making connections to many internal devices on one or more ports, which may indicate a network scan.'),
  D('Device::Suspicious Network Scan Activity', 4, RECON, ['T1046'], 'scan', 'client', 'A device is scanning the network in a way that is unusual for it.'),
  D('Device::RDP Scan', 3, RECON, ['T1046', 'T1021.001'], 'scan', 'client', 'A device is scanning for remote desktop services on internal devices.'),
  D('Device::SMB Lateral Movement', 3, EXPLOIT, ['T1021.002'], 'smb', 'client', 'A device is writing executable files over SMB to other internal devices, which may indicate lateral movement.'),
  D('Device::Suspicious SMB Scanning Activity', 4, RECON, ['T1135'], 'smb', 'client', 'A device is making SMB connections to many internal devices.'),
  D('Device::Anonymous NTLM Logins', 2, [], ['T1078'], 'credential', 'client', 'A device is making anonymous NTLM logins.'),
  D('Device::New or Uncommon SMB Named Pipe', 2, [], ['T1021.002'], 'smb', 'client', 'A device has used an SMB named pipe it does not normally use.'),
  D('Device::New Device with Attack Tools', 4, RECON, ['T1200'], 'scan', 'client', 'A new device on the network is using attack or reconnaissance tools.'),
  D('Device::Multiple Lateral Movement Model Alerts', 5, [], ['T1210'], 'meta', 'client', 'A device has triggered several lateral movement models.'),
  D('Device::Anomalous SMB Followed By Multiple Model Alerts', 4, [], [], 'meta', 'client', 'A device has made anomalous SMB connections followed by several model alerts.'),
  D('Device::Anomalous RDP Followed By Multiple Model Alerts', 4, [], [], 'meta', 'client', 'A device has made anomalous RDP connections followed by several model alerts.'),
  D('Device::Large Number of Model Alerts', 3, [], [], 'meta', 'any', 'A device has triggered a large number of model alerts.'),
  D('Device::Large Number of Model Alerts from Critical Network Device', 5, [], [], 'meta', 'network', 'A critical network device has triggered a large number of model alerts.'),
  D('Device::Increased External Connectivity', 2, [], ['T1071'], 'external', 'client', 'A device is connecting to many more external endpoints than usual.'),
  D('Device::AT Service Scheduled Task', 3, EXPLOIT, ['T1053.005'], 'smb', 'client', 'A device has scheduled a task on another device using the AT service.'),
  D('Device::Multiple RPC Requests for Unknown Services', 3, RECON, ['T1046'], 'internal', 'client', 'A device has made RPC requests for services that are unknown to the destination.'),
  D('Device::Suspicious File Writes to Multiple Hidden SMB Shares', 4, EXPLOIT, ['T1021.002'], 'smb', 'client', 'A device has written files to hidden SMB shares on multiple devices.'),
  // Unusual Activity
  D('Unusual Activity::Unusual External Data Transfer', 3, EGRESS, ['T1048'], 'exfil', 'client', 'A device has transferred an unusual volume of data to an external endpoint.'),
  D('Unusual Activity::Enhanced Unusual External Data Transfer', 4, EGRESS, ['T1048'], 'exfil', 'client', 'A device has transferred a very unusual volume of data to an external endpoint.'),
  D('Unusual Activity::Unusual External Data to New Endpoint', 3, EGRESS, ['T1048'], 'exfil', 'client', 'A device has transferred an unusual volume of data to a new external endpoint.'),
  D('Unusual Activity::Unusual External Activity', 2, [], ['T1071'], 'external', 'client', 'A device is making unusual external connections.'),
  D('Unusual Activity::High Volume Client Data Transfer', 2, [], ['T1039'], 'internalData', 'client', 'A client device is transferring an unusually high volume of data to internal devices.'),
  D('Unusual Activity::High Volume Server Data Transfer', 2, [], ['T1039'], 'internalData', 'server', 'A server is transferring an unusually high volume of data.'),
  D('Unusual Activity::Internal Data Transfer', 1, [], ['T1039'], 'internalData', 'client', 'A device is transferring an unusual volume of data internally.'),
  D('Unusual Activity::Unusual Large Internal Transfer', 3, [], ['T1074'], 'internalData', 'client', 'A device has made an unusually large internal data transfer.'),
  D('Unusual Activity::Anomalous SMB to New or Unusual Locations', 3, [], ['T1021.002'], 'smb', 'client', 'A device is making SMB connections to new or unusual locations.'),
  D('Unusual Activity::Sustained Anomalous SMB Activity', 3, [], ['T1021.002'], 'smb', 'client', 'A device has been making anomalous SMB connections for a sustained period.'),
  D('Unusual Activity::Unusual Activity from Re-Activated Device', 2, [], ['T1078'], 'external', 'client', 'A device that was inactive for a long time has become active and is behaving unusually.'),
  // User
  D('User::Multiple Uncommon New Credentials on Device', 3, [], ['T1078'], 'credential', 'client', 'A device is using several credentials that are new or uncommon for it.'),
  D('User::New Admin Credentials on Client', 3, [], ['T1078'], 'credential', 'client', 'A client device is using administrative credentials it has not used before.'),
  // SaaS
  D('SaaS::Admin::User Added To Admin Group', 4, [], ['T1098'], 'saas', 'saas', 'A SaaS user has been added to an administrative group.'),
  D('SaaS::AWS::Anonymous S3 File Download', 3, [], ['T1530'], 'saas', 'cloud', 'A file has been downloaded anonymously from an S3 bucket.'),
  D('SaaS::Resource::Repeated Unusual SaaS Resource Creation', 3, [], ['T1136.003'], 'saas', 'saas', 'A SaaS user has created unusual resources repeatedly.'),
  D('SaaS::Access::Unusual External Source for SaaS Credential Use', 3, [], ['T1078.004'], 'saas', 'saas', 'A SaaS credential has been used from an unusual external source.'),
  D('SaaS::Compromise::Login From Rare Endpoint While User Is Active', 4, [], ['T1078.004'], 'saas', 'saas', 'A SaaS account logged in from a rare endpoint while the user was active elsewhere.'),
  // IaaS
  D('IaaS::Compliance::Uncommon Azure External User Invite', 2, [], ['T1136.003'], 'saas', 'cloud', 'An external user has been invited to the Azure tenant, which is uncommon.'),
  D('IaaS::Compute::Azure Compute Resource Update', 2, [], ['T1578'], 'saas', 'cloud', 'An Azure compute resource has been updated in an unusual way.'),
  // Antigena / RESPOND
  D('Antigena::Network::Insider Threat::Antigena Internal Data Transfer Block', 2, [], ['T1039', 'T1041'], 'antigena', 'client', 'An internal data transfer has been blocked by Antigena.'),
  D('Antigena::Network::Significant Anomaly::Antigena Enhanced Monitoring from Server Block', 4, [], [], 'antigena', 'server', 'Antigena has blocked connections from a server under enhanced monitoring.'),
  D('Antigena::Network::Significant Anomaly::Antigena Enhanced Monitoring from Client Block', 4, [], [], 'antigena', 'client', 'Antigena has blocked connections from a client under enhanced monitoring.'),
  D('Antigena::Network::Significant Anomaly::Antigena Alerts Over Time Block', 4, [], [], 'antigena', 'client', 'Antigena has blocked a device that has triggered alerts over time.'),
  D('Antigena::Network::Significant Anomaly::Antigena Significant Server Anomaly Block', 5, [], [], 'antigena', 'server', 'Antigena has blocked a server behaving significantly anomalously.'),
  D('Antigena::Network::Significant Anomaly::Antigena Significant Anomaly from Client Block', 5, [], [], 'antigena', 'client', 'Antigena has blocked a client behaving significantly anomalously.'),
  D('Antigena::Network::Significant Anomaly::Antigena Controlled and Model Alert', 4, [], [], 'antigena', 'client', 'Antigena is controlling a device that has triggered a model alert.'),
  D('Antigena::Network::Insider Threat::Antigena Network Scan Block', 3, [], ['T1046'], 'antigena', 'client', 'Antigena has blocked a device performing a network scan.'),
  D('Antigena::Network::Insider Threat::Antigena SMB Enumeration Block', 3, [], ['T1135'], 'antigena', 'client', 'Antigena has blocked a device enumerating SMB shares.'),
  D('Antigena::Network::External Threat::Antigena Suspicious Activity Block', 4, [], [], 'antigena', 'client', 'Antigena has blocked suspicious external activity.'),
  D('Antigena::Network::Manual::Quarantine Device', 3, [], [], 'antigena', 'client', 'A device has been manually quarantined.'),
  D('Antigena::MDR::MDR-Quarantined Device', 4, [], [], 'antigena', 'client', 'A device has been quarantined by the Darktrace MDR team.'),
  D('Antigena::MDR::Model Alert on MDR-Actioned Device', 4, [], [], 'antigena', 'client', 'A model has alerted on a device actioned by the Darktrace MDR team.'),
  // Attack Path Modelling, System, test
  D('Attack Path Modelling::Model Breach on Critical Attack Path', 5, [], [], 'meta', 'server', 'A model has alerted on a device that lies on a critical attack path.'),
  D('System::System', 3, [], [], 'system', 'system', 'An issue with the system has been detected. Please see the event details for more information.', 'Review the system status page and resolve the underlying issue.'),
  D('Unrestricted Test Model', 5, [], [], 'test', 'test', 'A test model used to verify alert settings.', 'No action is required: this alert was sent to test the alert output.'),
  // RESPOND for SaaS (the workbooks' RESPOND/Apps panels read these): names guessed in the style of
  // the Antigena::Network ones (docs/reference/simulator.md). Last, so earlier models keep their uuids.
  D('Antigena::SaaS::Antigena Suspicious SaaS Activity Block', 4, [], ['T1078.004'], 'antigena', 'saas', 'Antigena has disabled a SaaS user after suspicious activity.'),
  D('Antigena::SaaS::Antigena Significant Compliance Activity Block', 3, [], [], 'antigena', 'saas', 'Antigena has blocked a SaaS user performing significant compliance activity.'),
  // The Logs Ingestion workbooks' "Critical Model Alerts" (SaaS/IaaS) and RESPOND "CLOUD" panels need a
  // critical SaaS model and an Antigena model with "Cloud" in its name. The SaaS name is the one
  // Darktrace's SOC blog posts cite, its priority guessed; the cloud RESPOND name is guessed in the
  // Antigena::SaaS style (docs/reference/simulator.md). Last, so earlier models keep their uuids.
  D('SaaS::Compromise::Unusual Login and New Email Rule', 5, [], ['T1078.004', 'T1114.003'], 'saas', 'saas', 'A SaaS account logged in from an unusual location and then created a new email rule.'),
  D('Antigena::Cloud::Antigena Suspicious Cloud Activity Block', 4, [], ['T1078.004'], 'antigena', 'cloud', 'Antigena has blocked a cloud identity after suspicious activity in the cloud environment.'),
];

export interface ApiModel {
  name: string;
  pid: number;
  phid: number;
  uuid: string;
  logic: unknown;
  throttle: number;
  sharedEndpoints: boolean;
  actions: Record<string, unknown>;
  tags: string[];
  interval: number;
  delay: number;
  sequenced: boolean;
  active: boolean;
  modified: string;
  activeTimes: unknown;
  autoUpdatable: boolean;
  autoUpdate: boolean;
  autoSuppress: boolean;
  description: string;
  behaviour: string;
  defeats: unknown[];
  created: { by: string };
  edited: { by: string; userID?: number };
  version: number;
  priority: number;
  category: 'Informational' | 'Suspicious' | 'Critical';
  compliance: boolean;
  mitre?: { tactics: string[]; techniques: string[] };
  message?: string;
}

export interface ComponentDef {
  cid: number;
  chid: number;
  kind: ComponentKind;
  /** Filter ids and cfids, fixed per component. */
  cfids: number[];
  /** Immutable pieces every breach of this component shares (never mutated). */
  logic: { data: unknown; version: string };
  filterIds: string[];
  filterArguments: { value?: string | number }[];
}

export interface CatalogueModel {
  def: ModelDef;
  /** The model at breach time (`model.then`, or the flat model with historicmodelonly). */
  then: ApiModel;
  /** The model now (`model.now`). */
  now: ApiModel;
  /** ` / `-separated name, as the UI and AI Analyst write it. */
  uiName: string;
  /** Top-level breach `mitreTechniques`. */
  mitreTechniques: { technique: string; techniqueID: string }[];
  component: ComponentDef;
  family: string;
}

export interface Catalogue {
  models: CatalogueModel[];
  byName: Map<string, CatalogueModel>;
  byPid: Map<number, CatalogueModel>;
  byUuid: Map<string, CatalogueModel>;
  /** Models picked by background noise, with weights (low priorities are commoner). */
  noise: { models: CatalogueModel[]; weights: number[] };
}

export function categoryFor(priority: number): ApiModel['category'] {
  return priority >= 5 ? 'Critical' : priority === 4 ? 'Suspicious' : 'Informational';
}

export function buildCatalogue(seed: number, clockStart: number): Catalogue {
  const rng = new Rng(`catalogue:${seed}`);
  const models: CatalogueModel[] = [];
  let pid = rng.int(100, 160);
  let cid = rng.int(1500, 2000);
  let cfid = rng.int(20000, 24000);
  MODEL_DEFS.forEach((def, index) => {
    pid += rng.int(1, 12);
    const phid = pid * 6 + rng.int(0, 5);
    const builtIn = def.name !== 'Unrestricted Test Model';
    const uuid = builtIn ? `80010119-6d7f-0000-0305-5e0000000${String(100 + index).padStart(3, '0')}` : rng.guid();
    const kind = COMPONENT_KINDS[def.kind]!;
    const componentId = cid;
    cid += rng.int(1, 40);
    const cfids = [...kind.filters, ...kind.display].map(() => (cfid += rng.int(1, 30)));
    const antigena = def.name.startsWith('Antigena::');
    const modified = clockStart - rng.int(30, 700) * 86_400_000;
    const version = rng.int(3, 40);
    const then: ApiModel = {
      name: def.name,
      pid,
      phid,
      uuid,
      logic: { data: [{ cid: componentId, weight: 1 }], targetScore: 1, type: 'weightedComponentList', version: 1 },
      throttle: rng.pick([3600, 10800, 21600, 86400]),
      sharedEndpoints: false,
      actions: {
        alert: true,
        antigena: antigena ? { action: 'automatic', confirm: false, duration: 3600, threshold: '20' } : {},
        breach: true,
        model: true,
        setPriority: false,
        setTag: false,
        setType: false,
      },
      tags: def.tags,
      interval: kind.interval,
      delay: 0,
      sequenced: false,
      active: true,
      modified: formatDtTime(modified),
      activeTimes: { devices: {}, tags: {}, type: 'exclusions', version: 2 },
      autoUpdatable: builtIn,
      autoUpdate: builtIn,
      autoSuppress: true,
      description: `${def.body}\n\nAction: ${def.action}`,
      behaviour: rng.pick(['decreasing', 'incdec1', 'flat']),
      defeats: [],
      created: { by: 'System' },
      edited: { by: 'System' },
      version,
      priority: def.priority,
      category: categoryFor(def.priority),
      // A model of a Compliance family or sub-family (Compliance::…, IaaS::Compliance::…) is a compliance model.
      compliance: /(^|::)Compliance::/.test(def.name),
    };
    if (def.techniques.length > 0) then.mitre = { tactics: tacticsFor(def.techniques), techniques: def.techniques };
    // About one model in seven has been edited since: its `now` carries a newer phid and version.
    const edited = rng.chance(0.15);
    const now: ApiModel = edited
      ? { ...then, phid: then.phid + 1, version: version + 1, modified: formatDtTime(modified + rng.int(1, 25) * 86_400_000), edited: { by: 'analyst@darktrace.lab', userID: 17 }, message: 'added tags' }
      : { ...then, message: 'Initial model version' };
    const family = def.name.split('::')[0]!;
    models.push({
      def,
      then,
      now,
      uiName: def.name.split('::').join(' / '),
      mitreTechniques: techniquesFor(def.techniques),
      component: {
        cid: componentId,
        chid: componentId + rng.int(10, 200),
        kind,
        cfids,
        logic: { data: chainAnd(kind.filters.map((_, k) => 'ABCDEFGH'[k]!)), version: 'v0.1' },
        filterIds: [...kind.filters.map((_, k) => 'ABCDEFGH'[k]!), ...kind.display.map((_, k) => `d${k + 1}`)],
        filterArguments: [...kind.filters.map((t) => ({ value: t.argument })), ...kind.display.map(() => ({}))],
      },
      family,
    });
  });
  const noiseModels = models.filter((m) => m.def.target !== 'system' && m.def.target !== 'test');
  const weights = noiseModels.map((m) => [8, 10, 9, 6, 3, 1][m.def.priority]!);
  return {
    models,
    byName: new Map(models.map((m) => [m.def.name, m])),
    byPid: new Map(models.map((m) => [m.then.pid, m])),
    byUuid: new Map(models.map((m) => [m.then.uuid, m])),
    noise: { models: noiseModels, weights },
  };
}

function chainAnd(ids: string[]): unknown {
  if (ids.length === 0) return {};
  if (ids.length === 1) return ids[0];
  let node: unknown = ids[ids.length - 1];
  for (let k = ids.length - 2; k >= 0; k--) node = { left: ids[k], operator: 'AND', right: node };
  return node;
}

export function modelByName(catalogue: Catalogue, name: string): CatalogueModel {
  const model = catalogue.byName.get(name);
  if (!model) throw new Error(`unknown model '${name}'`);
  return model;
}
