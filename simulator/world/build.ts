// Builds the seeded world once, up front (faker is used here only, never per alert), so alert
// generators merely pick from prepared pools.
import { Faker, en } from '@faker-js/faker';
import { Rng } from '../random.ts';
import { formatDtTime } from '../clock.ts';
import type { Appliance, Device, DeviceTag, ExternalHost, Subnet, User, World } from './types.ts';

export interface WorldOptions {
  seed: number;
  /** Simulated clock start, epoch ms; device first/last-seen times are placed relative to it. */
  clockStart: number;
  /** Number of employees (each gets a workstation, a SaaS credential, sometimes a phone). */
  users?: number;
  /** Overrides the instance base URL used in breachUrl and other links. */
  instanceUrl?: string;
}

const DAY = 86_400_000;

const SUBNETS: [string, number][] = [
  ['Head Office LAN', 10],
  ['Head Office Wi-Fi', 11],
  ['Branch Office', 20],
  ['VPN', 12],
  ['Server VLAN', 50],
  ['Data Centre', 60],
  ['DMZ', 70],
  ['Guest Wi-Fi', 99],
];

const PSEUDO_SUBNETS: Subnet[] = [
  { sid: -9, label: 'SaaS', network: 'SaaS', prefix: '' },
  { sid: -6, label: 'Azure', network: 'Cloud', prefix: '' },
  { sid: -11, label: 'AWS', network: 'Cloud', prefix: '' },
];

const TAG_DEFS: [number, string, number][] = [
  [66, 'Domain Authenticated', 183],
  [12, 'Linux', 112],
  [3, 'New Device', 45],
  [21, 'Security Device', 200],
  [31, 'No Device Tracking', 0],
  [44, 'Antigena All', 15],
  [45, 'Active Threat', 1],
  [52, 'Multi-use', 90],
];

const VENDORS = ['Dell Inc.', 'Hewlett Packard', 'LCFC(HeFei) Electronics Technology co., ltd', 'Apple, Inc.', 'Intel Corporate', 'Microsoft Corporation', 'VMware, Inc.', 'Samsung Electronics Co.,Ltd', 'Cisco Systems, Inc', 'Super Micro Computer, Inc.'];

const COUNTRIES: [string, string, number, number][] = [
  ['United States', 'Ashburn', 39.04, -77.49],
  ['United States', 'San Jose', 37.34, -121.89],
  ['Netherlands', 'Amsterdam', 52.37, 4.9],
  ['Germany', 'Frankfurt am Main', 50.11, 8.68],
  ['Russia', 'Moscow', 55.75, 37.62],
  ['China', 'Shenzhen', 22.54, 114.06],
  ['Romania', 'Bucharest', 44.43, 26.1],
  ['Brazil', 'Sao Paulo', -23.55, -46.63],
  ['Singapore', 'Singapore', 1.29, 103.85],
  ['Ukraine', 'Kyiv', 50.45, 30.52],
  ['Nigeria', 'Lagos', 6.52, 3.38],
  ['Vietnam', 'Hanoi', 21.03, 105.85],
  ['Canada', 'Richmond Hill', 43.88, -79.44],
  ['France', 'Roubaix', 50.69, 3.17],
  ['United Kingdom', 'London', 51.51, -0.13],
  ['Iran', 'Tehran', 35.69, 51.39],
];

const ASNS = ['AS14061 DIGITALOCEAN-ASN', 'AS16509 AMAZON-02', 'AS24940 Hetzner Online GmbH', 'AS16276 OVH SAS', 'AS9009 M247 Europe SRL', 'AS20473 AS-CHOOPA', 'AS577 BACOM', 'AS45102 Alibaba (US) Technology Co., Ltd.', 'AS63949 Akamai Connected Cloud', 'AS8075 MICROSOFT-CORP-MSN-AS-BLOCK'];

const TLDS = ['com', 'net', 'info', 'biz', 'xyz', 'top', 'online', 'site', 'io', 'ru', 'cn'];

const EXFIL: [string, string][] = [
  ['mega.nz', 'New Zealand'],
  ['transfer.sh', 'Germany'],
  ['dl.dropboxusercontent.com', 'United States'],
  ['s3.eu-west-2.amazonaws.com', 'United Kingdom'],
  ['anonfiles.com', 'Netherlands'],
  ['temp.sh', 'Netherlands'],
];

const SERVER_ROLES = ['dc', 'file', 'sql', 'web', 'app', 'backup', 'mail', 'print', 'jump', 'build', 'erp', 'crm'];

function publicIp(rng: Rng): string {
  for (;;) {
    const a = rng.int(23, 223);
    if (a === 127 || a === 100 || a === 169 || a === 172 || a === 192 || a === 198) continue;
    return `${a}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  }
}

function mac(rng: Rng): string {
  const h = rng.hex(12);
  return h.match(/../g)!.join(':');
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** Share of laptops running a client sensor (guessed: docs/reference/simulator.md). */
const CLIENT_SENSOR_SHARE = 0.4;

export function buildWorld(opts: WorldOptions): World {
  const rng = new Rng(`world:${opts.seed}`);
  const faker = new Faker({ locale: [en] });
  faker.seed(opts.seed);
  const start = opts.clockStart;

  const companyName = faker.company.name().replace(/[^A-Za-z ]/g, '').replace(/\s+/g, ' ').trim();
  const companyWord = slug(companyName.split(' ')[0] ?? 'holdings') || 'holdings';
  const domain = `${companyWord}${rng.pick(['inc', 'corp', 'group', 'holdings', 'ltd'])}.com`;
  const dtId = rng.int(1000, 9999);

  const subnets: Subnet[] = SUBNETS.map(([label, octet], i) => ({
    sid: i + 1,
    label,
    network: `10.${octet}.0.0/16`,
    prefix: `10.${octet}.${rng.int(0, 9)}`,
  }));
  subnets.push(...PSEUDO_SUBNETS);
  const bySid = new Map(subnets.map((s) => [s.sid, s]));
  const hostCounters = new Map<number, number>();

  const tags: DeviceTag[] = TAG_DEFS.map(([tid, name, color]) => ({
    tid,
    expiry: 0,
    thid: tid,
    name,
    restricted: false,
    data: { auto: false, color, description: '', visibility: 'Public' },
    isReferenced: true,
  }));
  const tag = (name: string) => tags.find((t) => t.name === name)!;

  const devices: Device[] = [];
  let nextDid = rng.int(3, 40);

  function addDevice(kind: {
    sid: number;
    typename: string;
    typelabel: string;
    hostname?: string;
    os?: string;
    vendor?: string;
    label?: string;
    tagNames?: string[];
    credentials?: string[];
    priority?: number;
  }): Device {
    const did = nextDid;
    nextDid += rng.int(1, 9);
    const subnet = bySid.get(kind.sid)!;
    const firstSeen = start - rng.int(20, 900) * DAY - rng.int(0, DAY);
    const lastSeen = start - rng.int(0, 3_600_000);
    const device: Device = { did, ips: [], sid: kind.sid, firstSeen, lastSeen, typename: kind.typename, typelabel: kind.typelabel, tags: [], priority: kind.priority ?? 0 };
    if (subnet.prefix) {
      const n = (hostCounters.get(kind.sid) ?? 10) + rng.int(1, 3);
      hostCounters.set(kind.sid, n);
      const third = Number(subnet.prefix.split('.')[2]) + Math.floor(n / 250);
      const ip = `${subnet.prefix.split('.').slice(0, 2).join('.')}.${third}.${(n % 250) + 2}`;
      const seen = lastSeen - rng.int(0, 6) * 3_600_000;
      const ips = [{ ip, timems: seen - (seen % 3_600_000), time: formatDtTime(seen - (seen % 3_600_000)), sid: kind.sid }];
      // Roaming clients keep a short DHCP history: an earlier address, newest first.
      if ((kind.typename === 'laptop' || kind.typename === 'mobile') && rng.chance(0.3)) {
        const earlier = seen - rng.int(2, 20) * 86_400_000;
        const hour = earlier - (earlier % 3_600_000);
        ips.push({ ip: `${subnet.prefix.split('.').slice(0, 2).join('.')}.${Number(subnet.prefix.split('.')[2]) + rng.int(1, 3)}.${rng.int(2, 250)}`, timems: hour, time: formatDtTime(hour), sid: kind.sid });
      }
      const ordered: Device = { did, ip, ips, sid: kind.sid } as Device;
      Object.assign(device, ordered);
    }
    // Rebuild in the API's key order (ip fields first, optional fields only when present).
    const out: Device = { did: device.did } as Device;
    if (device.ip) out.ip = device.ip;
    out.ips = device.ips;
    out.sid = device.sid;
    if (kind.hostname) out.hostname = kind.hostname;
    if (kind.label) out.devicelabel = kind.label;
    if (subnet.prefix) {
      out.macaddress = mac(rng);
      out.vendor = kind.vendor ?? rng.pick(VENDORS);
    }
    if (kind.os) {
      out.os = kind.os;
      out.ossource = rng.pick(['TCP', 'DHCP', 'User agent']);
    }
    out.firstSeen = firstSeen;
    out.lastSeen = lastSeen;
    out.typename = kind.typename;
    out.typelabel = kind.typelabel;
    if (kind.credentials) out.credentials = kind.credentials;
    out.tags = (kind.tagNames ?? []).map(tag);
    out.priority = kind.priority ?? 0;
    devices.push(out);
    return out;
  }

  const pools: World['pools'] = { clients: [], servers: [], domainControllers: [], fileServers: [], saas: [], cloud: [], mobiles: [], network: [] };

  // Servers and network kit first, so dids look like an estate that grew around its core.
  for (let i = 0; i < 3; i++) {
    const d = addDevice({ sid: 5, typename: 'dnsserver', typelabel: 'DNS Server', hostname: `dns${i + 1}.${domain}`, os: 'Linux 3.11 and newer', tagNames: ['Linux'], priority: 3 });
    pools.servers.push(d);
  }
  const serverCount = 36;
  for (let i = 0; i < serverCount; i++) {
    const role = SERVER_ROLES[i % SERVER_ROLES.length]!;
    const n = Math.floor(i / SERVER_ROLES.length) + 1;
    const linux = ['web', 'build', 'app'].includes(role);
    const d = addDevice({
      sid: rng.pick([5, 6, 6, 7]),
      typename: 'server',
      typelabel: 'Server',
      hostname: `srv-${role}-${String(n).padStart(2, '0')}.${domain}`,
      os: linux ? 'Linux 3.11 and newer' : 'Windows NT kernel',
      tagNames: linux ? ['Linux'] : ['Domain Authenticated'],
      priority: role === 'dc' ? 5 : rng.int(1, 4),
    });
    pools.servers.push(d);
    if (role === 'dc') pools.domainControllers.push(d);
    if (role === 'file' || role === 'backup') pools.fileServers.push(d);
  }
  for (let i = 0; i < 6; i++) {
    const d = addDevice({ sid: rng.pick([1, 3, 5]), typename: rng.pick(['firewall', 'switch', 'router']), typelabel: 'Network Device', hostname: `net-${rng.pick(['fw', 'sw', 'rtr'])}-${i + 1}.${domain}`, vendor: 'Cisco Systems, Inc', priority: 4 });
    d.typelabel = d.typename === 'firewall' ? 'Firewall' : d.typename === 'switch' ? 'Switch' : 'Router';
    pools.network.push(d);
  }

  const userCount = opts.users ?? 150;
  const users: User[] = [];
  const usedNames = new Set<string>();
  for (let i = 0; i < userCount; i++) {
    let first = faker.person.firstName();
    let last = faker.person.lastName().replace(/[^A-Za-z-]/g, '');
    let username = `${slug(first)}.${slug(last)}`;
    while (usedNames.has(username)) {
      last = faker.person.lastName().replace(/[^A-Za-z-]/g, '');
      username = `${slug(first)}.${slug(last)}`;
    }
    usedNames.add(username);
    const email = `${username}@${domain}`;
    const laptop = rng.chance(0.55);
    const workstation = laptop
      ? addDevice({ sid: rng.pick([1, 2, 3, 4]), typename: 'laptop', typelabel: 'Laptop', hostname: `lt-${slug(first).slice(0, 1)}${slug(last).slice(0, 10)}.${domain}`, os: rng.pick(['Windows NT kernel', 'Windows NT kernel', 'Mac OS X']), credentials: [username], tagNames: ['Domain Authenticated'] })
      : addDevice({ sid: rng.pick([1, 3]), typename: 'desktop', typelabel: 'Desktop', hostname: `ws${rng.int(100, 999)}.${domain}`, os: 'Windows NT kernel', credentials: [username], tagNames: ['Domain Authenticated'] });
    pools.clients.push(workstation);
    if (rng.chance(0.25)) {
      pools.mobiles.push(addDevice({ sid: 2, typename: 'mobile', typelabel: 'Mobile Device', hostname: `${slug(first)}s-${rng.pick(['iPhone', 'Galaxy-S23', 'Pixel-8'])}`, os: rng.pick(['iOS', 'Android']), credentials: [username] }));
    }
    const module = rng.pick(['Office365', 'AzureActiveDirectory']);
    const saas = addDevice({ sid: -9, typename: 'saasprovider', typelabel: 'SaaS Credential', hostname: `SaaS::${module}: ${email}`, credentials: [email] });
    pools.saas.push(saas);
    users.push({ first, last, displayName: `${first} ${last}`, username, email, vip: rng.chance(0.05), workstation: workstation.did, saas: saas.did });
  }
  for (let i = 0; i < 12; i++) {
    const azure = i % 2 === 0;
    pools.cloud.push(
      addDevice({
        sid: azure ? -6 : -11,
        typename: 'cloudresource',
        typelabel: 'Cloud Resource',
        hostname: azure ? `vm-${rng.pick(SERVER_ROLES)}-${i}.${rng.pick(['uksouth', 'westeurope', 'eastus'])}.cloudapp.azure.com` : `ip-172-31-${rng.int(0, 63)}-${rng.int(2, 254)}.eu-west-1.compute.internal`,
        label: azure ? `Azure VM ${i}` : `EC2 instance ${i}`,
      }),
    );
  }
  devices.sort((a, b) => a.did - b.did);

  const external: ExternalHost[] = [];
  const usedHosts = new Set<string>();
  while (external.length < 160) {
    const [country, city, lat, lon] = rng.pick(COUNTRIES);
    const word = faker.internet.domainWord();
    const hostname = rng.chance(0.3) ? `${rng.pick(['cdn', 'api', 'update', 'static', 'mail'])}.${word}.${rng.pick(TLDS)}` : `${word}.${rng.pick(TLDS)}`;
    if (usedHosts.has(hostname)) continue;
    usedHosts.add(hostname);
    external.push({
      hostname,
      ip: publicIp(rng),
      country,
      city,
      latitude: Math.round((lat + rng.float(-0.2, 0.2)) * 1000) / 1000,
      longitude: Math.round((lon + rng.float(-0.2, 0.2)) * 1000) / 1000,
      asn: rng.pick(ASNS),
    });
  }
  const exfilHosts: ExternalHost[] = EXFIL.map(([hostname, country]) => {
    const place = COUNTRIES.find((c) => c[0] === country) ?? COUNTRIES[0]!;
    return { hostname, ip: publicIp(rng), country, city: place[1], latitude: place[2], longitude: place[3], asn: rng.pick(ASNS) };
  });

  const senders: World['senders'] = [];
  for (let i = 0; i < 80; i++) {
    const first = faker.person.firstName();
    const last = faker.person.lastName().replace(/[^A-Za-z-]/g, '');
    const senderDomain = rng.chance(0.3) ? rng.pick(['gmail.com', 'outlook.com', 'yahoo.com']) : `${faker.internet.domainWord()}.${rng.pick(['com', 'co.uk', 'net', 'org', 'io'])}`;
    senders.push({ email: `${slug(first)}.${slug(last)}@${senderDomain}`, personal: `${first} ${last}`, domain: senderDomain });
  }

  const version = `6.1.${rng.int(20, 40)} (${rng.hex(8)})`;
  const serverSubnet = subnets[4]!;
  const appliance = (id: number, type: Appliance['type'], label: string): Appliance => ({
    id,
    uuid: rng.guid(),
    hostname: `dt-${dtId}-${String(id + 1).padStart(2, '0')}`,
    ip: `${serverSubnet.prefix}.${200 + id}`,
    label,
    type,
    version,
  });
  const master = appliance(0, 'master', 'Master');
  const probes = [appliance(1, 'vSensor', 'vSensor Head Office'), appliance(2, 'vSensor', 'vSensor Branch'), appliance(3, 'vSensor', 'vSensor Azure')];

  // Client sensors (cSensor) on a share of laptops: the endpoint agent roaming users carry. A generator
  // of its own, so the rest of the world is what the seed made before client sensors existed.
  const sensorRng = new Rng(`world-csensor:${opts.seed}`);
  for (const d of devices) if (d.typename === 'laptop' && sensorRng.chance(CLIENT_SENSOR_SHARE)) d.cSensorID = sensorRng.guid();

  const devicesByDid = new Map(devices.map((d) => [d.did, d]));
  return {
    seed: opts.seed,
    companyName,
    domain,
    instanceUrl: opts.instanceUrl ?? `https://darktrace-${master.hostname}`,
    subnets,
    devices,
    devicesByDid,
    pools,
    users,
    userBySaasDid: new Map(users.map((u) => [u.saas, u])),
    userByWorkstation: new Map(users.map((u) => [u.workstation, u])),
    external,
    exfilHosts,
    senders,
    master,
    probes,
    saasModules: [
      { name: 'Microsoft Defender', module: 'darktrace-ms-defender' },
      { name: 'Office 365', module: 'darktrace-office365' },
      { name: 'Google Workspace', module: 'darktrace-gsuite' },
      { name: 'Salesforce', module: 'darktrace-salesforce' },
    ],
  };
}
