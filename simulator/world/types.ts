// The shapes of the seeded world: what Darktrace would know about one customer network.

export interface DeviceTag {
  tid: number;
  expiry: number;
  thid: number;
  name: string;
  restricted: boolean;
  data: { auto: boolean; color: number; description: string; visibility: string };
  isReferenced: boolean;
}

export interface DeviceIp {
  ip: string;
  timems: number;
  time: string;
  sid: number;
}

/** A device exactly as the Threat Visualizer API renders it (`/devices`, breach `device`). */
export interface Device {
  did: number;
  ip?: string;
  ips: DeviceIp[];
  sid: number;
  hostname?: string;
  devicelabel?: string;
  macaddress?: string;
  vendor?: string;
  os?: string;
  ossource?: string;
  firstSeen: number;
  lastSeen: number;
  typename: string;
  typelabel: string;
  credentials?: string[];
  tags: DeviceTag[];
  priority: number;
  /** Set on endpoints that run a Darktrace client sensor (cSensor): the sensor's id. */
  cSensorID?: string;
}

export interface Subnet {
  sid: number;
  label: string;
  network: string;
  /** First three octets for IPv4 subnets, '' for SaaS/cloud pseudo-subnets. */
  prefix: string;
}

export interface User {
  first: string;
  last: string;
  displayName: string;
  username: string;
  email: string;
  vip: boolean;
  /** did of the user's laptop or desktop. */
  workstation: number;
  /** did of the user's SaaS credential pseudo-device. */
  saas: number;
}

export interface ExternalHost {
  hostname: string;
  ip: string;
  country: string;
  city: string;
  latitude: number;
  longitude: number;
  asn: string;
}

export interface Appliance {
  id: number;
  uuid: string;
  hostname: string;
  ip: string;
  label: string;
  type: 'master' | 'vSensor';
  version: string;
}

export interface World {
  seed: number;
  companyName: string;
  domain: string;
  /** Base URL of the instance as it appears in breachUrl and the other UI links. */
  instanceUrl: string;
  subnets: Subnet[];
  devices: Device[];
  devicesByDid: Map<number, Device>;
  /** Devices grouped by role so generators pick without filtering per alert. */
  pools: {
    clients: Device[];
    servers: Device[];
    domainControllers: Device[];
    fileServers: Device[];
    saas: Device[];
    cloud: Device[];
    mobiles: Device[];
    network: Device[];
  };
  users: User[];
  userBySaasDid: Map<number, User>;
  userByWorkstation: Map<number, User>;
  external: ExternalHost[];
  /** Cloud-storage and file-sharing endpoints used by exfiltration. */
  exfilHosts: ExternalHost[];
  senders: { email: string; personal: string; domain: string }[];
  master: Appliance;
  probes: Appliance[];
  saasModules: { name: string; module: string }[];
}
