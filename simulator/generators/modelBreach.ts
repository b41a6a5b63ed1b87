// Model breach generator: one `/modelbreaches` element in the API's default shape
// (model.then/now, device at top), plus breachUrl, which the API view drops unless asked for.
import type { CatalogueModel } from '../catalogue/models.ts';
import type { BreachContext } from '../catalogue/components.ts';
import { hashString, type Rng } from '../random.ts';
import type { Device, ExternalHost } from '../world/types.ts';
import type { BreachDevice, ModelBreach, TriggeredComponent, TriggeredFilter } from '../types.ts';
import type { GenContext } from './context.ts';
import { deviceName, pickDevice } from './devices.ts';

export interface BreachSpec {
  model: CatalogueModel;
  /** Record creation time (the emission time), epoch ms. */
  at: number;
  device?: Device | BreachDevice;
  external?: ExternalHost;
  peer?: Device;
  /** Milliseconds between first activity (`time`) and creation; random when absent. */
  delay?: number;
  score?: number;
  context?: Partial<BreachContext>;
  breachUrl?: string;
}

// Breach score ranges per model priority (0–5). Lower-priority models reach down into the 0–25
// band, as low-scoring breaches do in the product (guessed ranges: docs/reference/simulator.md).
const SCORE_RANGE: [number, number][] = [
  [0.05, 0.45], [0.1, 0.55], [0.15, 0.7], [0.4, 0.8], [0.6, 0.95], [0.8, 1],
];

const PORTS: Record<string, number[]> = {
  beacon: [443, 443, 80, 8080, 8443], exfil: [443, 443, 21, 22], file: [80, 443], scan: [22, 135, 139, 445, 3389, 5985],
  smb: [445], rdp: [3389], ssh: [22], internal: [135, 389, 5985, 88], internalData: [445, 2049], external: [443, 80, 137, 389],
  dns: [53], credential: [88, 445], saas: [443], meta: [0], antigena: [0], system: [0], ransom: [445], test: [0],
};

const APPLICATION: Record<string, string> = {
  beacon: 'SSL', exfil: 'HTTPS', file: 'HTTP', scan: 'Unknown', smb: 'SMB', rdp: 'RDP', ssh: 'SSH', internal: 'DCE_RPC',
  internalData: 'SMB', external: 'HTTPS', dns: 'DNS', credential: 'KERBEROS', saas: 'HTTPS', meta: 'Unknown', antigena: 'Unknown',
  system: 'Unknown', ransom: 'SMB', test: 'Unknown',
};

const FILES = ['invoice_0423.exe', 'update.ps1', 'setup.zip', 'payload.js', 'report.pdf.exe', 'archive.gz'];

function messageFor(kind: string, rng: Rng, peer: string, ext: ExternalHost): string {
  switch (kind) {
    case 'smb':
      return `SMB2 write of file \\\\${peer}\\ADMIN$\\${rng.pick(['svchost_update.exe', 'psexesvc.exe', 'tmp.bat'])}`;
    case 'ransom':
      return `SMB2 write of file \\\\${peer}\\Shared\\${rng.pick(['README_DECRYPT.txt', 'HOW_TO_RECOVER_FILES.txt', 'ransom_note.html'])}`;
    case 'file':
      return `/${rng.pick(['downloads', 'static', 'files', 'cdn'])}/${rng.pick(FILES)}`;
    case 'credential':
      return `New credential ${rng.pick(['administrator', 'svc_backup', 'admin.local'])} used`;
    case 'saas':
      return rng.pick(['UserLoggedIn', 'Add member to role.', 'Set-Mailbox', 'Consent to application.', 'Update user.']);
    case 'system':
      return `Probe ${ext.ip} last contact was ${rng.int(10, 30)} minutes ago`;
    default:
      return `Connection to ${ext.hostname}`;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function generateBreach(ctx: GenContext, rng: Rng, spec: BreachSpec): ModelBreach {
  const { model } = spec;
  const kindName = model.def.kind;
  const kind = model.component.kind;
  const device = spec.device ?? pickDevice(ctx.world, model.def.target, rng);
  const ext = spec.external ?? rng.pick(ctx.world.external);
  const peer = spec.peer ?? rng.pick(ctx.world.pools.servers);
  const pbid = ctx.ids.nextPbid();
  // Most records are created seconds after the activity; a few minutes-late ones exercise creationtime=true.
  const delay = spec.delay ?? (rng.chance(0.05) ? rng.int(300_000, 1_800_000) : rng.int(2_000, 180_000));
  const time = Math.floor((spec.at - delay) / 1000) * 1000;
  const [lo, hi] = SCORE_RANGE[model.def.priority]!;
  const score = spec.score ?? round3(rng.float(lo, hi));
  const peerName = deviceName(peer);
  const bc: BreachContext = {
    hostname: ext.hostname,
    ip: ext.ip,
    port: rng.pick(PORTS[kindName] ?? [443]),
    // The client side of the connection, in the IANA dynamic range; derived from the pbid rather
    // than drawn, so adding it left the rest of a seed's output unchanged.
    sourcePort: 49152 + (hashString(`source-port:${pbid}`) % 16384),
    peer: peerName,
    bytes: kindName === 'exfil' || kindName === 'internalData' ? rng.int(1_100_000_000, 9_000_000_000) : rng.int(10_000, 5_000_000),
    message: messageFor(kindName, rng, peerName, ext),
    strength: rng.int(61, 100),
    protocol: kindName === 'beacon' && rng.chance(0.1) ? 'UDP' : 'TCP',
    application: APPLICATION[kindName] ?? 'Unknown',
    relatedModel: kindName === 'meta' || kindName === 'antigena' ? rng.pick(ctx.catalogue.noise.models).uiName : undefined,
  };
  if (spec.context) Object.assign(bc, spec.context);
  const comp = model.component;
  const templates = kind.filters.length === 0 ? kind.display : kind.display.length === 0 ? kind.filters : [...kind.filters, ...kind.display];
  const filters: TriggeredFilter[] = new Array(templates.length);
  for (let i = 0; i < templates.length; i++) {
    const t = templates[i]!;
    filters[i] = { cfid: comp.cfids[i]!, id: comp.filterIds[i]!, filterType: t.filterType, arguments: comp.filterArguments[i]!, comparatorType: t.comparatorType, trigger: { value: t.trigger(bc) } };
  }
  const component: TriggeredComponent = {
    time: time + rng.int(0, Math.max(0, delay - 1000)),
    cbid: ctx.ids.nextCbid(),
    cid: comp.cid,
    chid: comp.chid,
    size: kind.threshold + rng.int(1, 20),
    threshold: kind.threshold,
    interval: kind.interval,
    logic: comp.logic,
    metric: kind.metric,
    triggeredFilters: filters,
  };
  return {
    commentCount: 0,
    pbid,
    time,
    creationTime: spec.at,
    score,
    percentscore: Math.round(score * 100),
    acknowledged: false,
    breachUrl: spec.breachUrl ?? `${ctx.world.instanceUrl}/#modelbreach/${pbid}`,
    mitreTechniques: model.mitreTechniques,
    aianalystData: [],
    device,
    model: { then: model.then, now: model.now },
    triggeredComponents: [component],
  };
}
