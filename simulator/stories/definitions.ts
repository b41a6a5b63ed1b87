// Stories: small declarative definitions that tie alerts together. A story casts its roles once
// (devices, users, endpoints, chosen with the story's own seeded stream) and then runs steps at
// `at × spacing` after it starts. Step kinds: breach, incident (AI Analyst over earlier breaches),
// email, system (a system status alert, which also drives probe state in /status).
import type { Rng } from '../random.ts';
import type { Appliance, Device, ExternalHost, User, World } from '../world/types.ts';

export interface StoryParam {
  default: string | number;
  description: string;
}

export type Cast = Record<string, unknown>;

export type StoryStep =
  | { at: number; breach: { model: string; on: string; each?: boolean; external?: string; peer?: string; as: string; score?: number; breachUrl?: string } }
  | { at: number; incident: { template: string; over: string[]; on: string; group: string; title?: string } }
  | { at: number; email: { to: string; sender: string; subject: string; linkHost: string; severity: 'benign' | 'suspicious' | 'malicious'; campaign: boolean } }
  | { at: number; system: { alert: 'probe_down'; probe: string; status: 'active' | 'resolved' } };

export interface StoryDefinition {
  name: string;
  summary: string;
  params: Record<string, StoryParam>;
  /** Whether background noise (the `story` rate) may pick it. */
  background: boolean;
  cast(world: World, rng: Rng, params: Record<string, string | number>): Cast;
  steps(params: Record<string, string | number>): StoryStep[];
}

function deviceParam(world: World, value: string | number, fallback: Device): Device {
  if (value === '' || value === undefined) return fallback;
  const device = world.devicesByDid.get(Number(value));
  if (!device) throw new Error(`no device with did ${value}`);
  return device;
}

function userParam(world: World, value: string | number, fallback: User): User {
  if (value === '' || value === undefined) return fallback;
  const user = world.users.find((u) => u.email === value || u.username === value);
  if (!user) throw new Error(`no user '${value}'`);
  return user;
}

const spacing = (d: string): StoryParam => ({ default: d, description: 'time between steps (duration, e.g. 10m)' });

export const STORIES: StoryDefinition[] = [
  {
    name: 'beaconing-exfiltration',
    summary: 'Beaconing to a rare endpoint, lateral movement over SMB, then exfiltration, on one device; AI Analyst raises one incident (two events) over those breaches.',
    params: { spacing: spacing('15m'), device: { default: '', description: 'did of the victim (default: a random client)' } },
    background: true,
    cast: (world, rng, p) => ({
      victim: deviceParam(world, p.device!, rng.pick(world.pools.clients)),
      c2: rng.pick(world.external),
      exfil: rng.pick(world.exfilHosts),
      peer: rng.pick(world.pools.fileServers),
    }),
    steps: () => [
      { at: 0, breach: { model: 'Compromise::Beaconing Activity To External Rare', on: 'victim', external: 'c2', as: 'c2' } },
      { at: 1, breach: { model: 'Compromise::SSL Beaconing to New Endpoint', on: 'victim', external: 'c2', as: 'c2' } },
      { at: 1.5, incident: { template: 'Possible SSL Command and Control', over: ['c2'], on: 'victim', group: 'incident' } },
      { at: 2, breach: { model: 'Device::SMB Lateral Movement', on: 'victim', peer: 'peer', as: 'lateral' } },
      { at: 3, breach: { model: 'Anomalous Connection::Uncommon 1 GiB Outbound', on: 'victim', external: 'exfil', as: 'exfil' } },
      { at: 3.2, breach: { model: 'Unusual Activity::Enhanced Unusual External Data Transfer', on: 'victim', external: 'exfil', as: 'exfil' } },
      { at: 3.5, incident: { template: 'Unusual External Data Transfer', over: ['c2', 'lateral', 'exfil'], on: 'victim', group: 'incident' } },
    ],
  },
  {
    name: 'ransomware-smb',
    summary: 'Ransomware over SMB: scanning, SMB enumeration, lateral movement, ransom notes written to several file shares, an Antigena block, and an AI Analyst incident.',
    params: { spacing: spacing('5m'), shares: { default: 3, description: 'number of file shares the ransom note is written to' }, device: { default: '', description: 'did of the patient-zero client' } },
    background: true,
    cast: (world, rng, p) => ({
      victim: deviceParam(world, p.device!, rng.pick(world.pools.clients)),
      shares: rng.sample([...world.pools.fileServers, ...world.pools.servers], Number(p.shares)),
      first: rng.pick(world.pools.fileServers),
    }),
    steps: () => [
      { at: 0, breach: { model: 'Device::Suspicious SMB Scanning Activity', on: 'victim', peer: 'first', as: 'recon' } },
      { at: 1, breach: { model: 'Anomalous Connection::SMB Enumeration', on: 'victim', peer: 'first', as: 'recon' } },
      { at: 2, breach: { model: 'Device::SMB Lateral Movement', on: 'victim', peer: 'first', as: 'lateral' } },
      { at: 3, breach: { model: 'Compromise::Ransomware::Ransom or Offensive Words Written to SMB', on: 'victim', peer: 'shares', each: true, as: 'ransom' } },
      { at: 3.5, breach: { model: 'Antigena::Network::Significant Anomaly::Antigena Significant Anomaly from Client Block', on: 'victim', as: 'respond' } },
      { at: 4, incident: { template: 'Possible Encryption of Files over SMB', over: ['recon', 'lateral', 'ransom'], on: 'victim', group: 'incident' } },
    ],
  },
  {
    name: 'phishing-campaign',
    summary: 'A phishing campaign: one email to each of several users (same sender, subject and link host, one campaign id); one user clicks, and their workstation downloads from the link host.',
    params: { spacing: spacing('10m'), recipients: { default: 5, description: 'number of targeted users' }, clicked: { default: '', description: 'email of the user who clicks (default: one of the recipients)' } },
    background: true,
    cast: (world, rng, p) => {
      const users = rng.sample(world.users, Number(p.recipients));
      const clicked = userParam(world, p.clicked!, users[rng.int(0, users.length - 1)]!);
      if (!users.includes(clicked)) users.push(clicked);
      const host: ExternalHost = rng.pick(world.external);
      return {
        users,
        clickedDevice: world.devicesByDid.get(clicked.workstation)!,
        sender: { ...rng.pick(world.senders), domain: host.hostname },
        linkHost: host,
        subject: rng.pick(['Action required: verify your account', 'Your mailbox is almost full', 'Shared document: Q3 bonus plan']),
      };
    },
    steps: () => [
      { at: 0, email: { to: 'users', sender: 'sender', subject: 'subject', linkHost: 'linkHost', severity: 'malicious', campaign: true } },
      { at: 1, breach: { model: 'Anomalous File::Script from Rare External Location', on: 'clickedDevice', external: 'linkHost', as: 'download' } },
      { at: 1.5, breach: { model: 'Compromise::Agent Beacon to New Endpoint', on: 'clickedDevice', external: 'linkHost', as: 'beacon' } },
      { at: 2, incident: { template: 'Possible HTTP Command and Control', over: ['download', 'beacon'], on: 'clickedDevice', group: 'incident' } },
    ],
  },
  {
    name: 'saas-hijack',
    summary: 'A SaaS account hijack: credential use from an unusual source, a login from a rare endpoint while the user is active, then the account added to an admin group; AI Analyst raises "Possible Hijack of … Account".',
    params: { spacing: spacing('5m'), user: { default: '', description: 'email of the hijacked user' } },
    background: true,
    cast: (world, rng, p) => {
      const user = userParam(world, p.user!, rng.pick(world.users));
      const saas = world.devicesByDid.get(user.saas)!;
      const module = /SaaS::(\w+):/.exec(saas.hostname ?? '')?.[1] ?? 'Office365';
      return { account: saas, attacker: rng.pick(world.external), title: `Possible Hijack of ${module} Account` };
    },
    steps: () => [
      { at: 0, breach: { model: 'SaaS::Access::Unusual External Source for SaaS Credential Use', on: 'account', external: 'attacker', as: 'hijack' } },
      { at: 1, breach: { model: 'SaaS::Compromise::Login From Rare Endpoint While User Is Active', on: 'account', external: 'attacker', as: 'hijack' } },
      { at: 2, breach: { model: 'SaaS::Admin::User Added To Admin Group', on: 'account', external: 'attacker', as: 'hijack' } },
      { at: 2.5, incident: { template: 'Possible Hijack of Office365 Account', over: ['hijack'], on: 'account', group: 'incident', title: 'title' } },
    ],
  },
  {
    name: 'probe-outage',
    summary: 'A probe loses contact with the master: a Probe Down system alert (active), a System::System breach, /status shows the probe in error; after `duration` the alert resolves.',
    params: { duration: { default: '30m', description: 'how long the probe stays down (the step unit of this story)' }, probe: { default: 1, description: 'probe id (1..3)' } },
    background: true,
    cast: (world, _rng, p) => {
      const probe: Appliance | undefined = world.probes.find((x) => x.id === Number(p.probe));
      if (!probe) throw new Error(`no probe with id ${p.probe}`);
      return { probe, system: { did: -1 } };
    },
    steps: () => [
      { at: 0, system: { alert: 'probe_down', probe: 'probe', status: 'active' } },
      { at: 0.6, breach: { model: 'System::System', on: 'system', as: 'system' } },
      { at: 1, system: { alert: 'probe_down', probe: 'probe', status: 'resolved' } },
    ],
  },
  {
    name: 'connector-test',
    summary: 'The "Verify Alert Settings" test alert: one Unrestricted Test Model breach on a test device.',
    params: {},
    background: false,
    cast: (_world, rng) => ({
      testDevice: { did: 0, ip: '10.0.0.1', sid: 0, hostname: 'test-device.example.com', macaddress: rng.hex(12).match(/../g)!.join(':'), vendor: 'Test Vendor', label: 'Test Device' },
    }),
    steps: () => [{ at: 0, breach: { model: 'Unrestricted Test Model', on: 'testDevice', as: 'test', score: 1, breachUrl: '' } }],
  },
];

export function findStory(name: string): StoryDefinition {
  const story = STORIES.find((s) => s.name === name);
  if (!story) throw new Error(`unknown story '${name}' (known: ${STORIES.map((s) => s.name).join(', ')})`);
  return story;
}
