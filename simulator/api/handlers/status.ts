// GET /status: the master's health, with one entry per probe; a probe with an active Probe Down
// alert reports `error: true` and its `lastContact` (§2.5, §5.3).
import { formatDtTime } from '../../clock.ts';
import { Rng } from '../../random.ts';
import { type ApiRequest, type ApiResult, type Route, applyResponseData } from '../context.ts';

function mbps(rng: Rng, lo: number, hi: number): number {
  return rng.int(lo, hi) * 1000;
}

function status(req: ApiRequest): ApiResult {
  const { ctx, query: q } = req;
  const now = ctx.now();
  const { world, store } = ctx;
  // Figures vary with the simulated minute but are reproducible from the seed.
  const minute = Math.floor(now / 60_000);
  const rng = new Rng(`status:${world.seed}:${minute}`);
  const bandwidth = mbps(rng, 200_000, 600_000);
  const includeChildren = q.bool('includechildren', true);
  q.bool('fast', false);
  const body: Record<string, unknown> = {
    excessTraffic: false,
    time: formatDtTime(now),
    installed: formatDtTime(world.devices[0]!.firstSeen),
    version: ctx.version,
    ipAddress: world.master.ip,
    modelsUpdated: formatDtTime(now - 86_400_000),
    modelPackageVersion: '5.0-2103~20240110080213~gf2a4c8',
    bundleVersion: '61023',
    bundleDate: formatDtTime(now - 7 * 86_400_000),
    bundleInstalledDate: formatDtTime(now - 6 * 86_400_000),
    hostname: world.master.hostname,
    inoculation: false,
    applianceOSCode: 'bionic',
    license: formatDtTime(now + 300 * 86_400_000),
    saasConnectorLicense: formatDtTime(now + 300 * 86_400_000),
    antigenaNetworkEnabled: true,
    antigenaNetworkConfirmationMode: false,
    antigenaNetworkRunning: true,
    antigenaNetworkLicense: formatDtTime(now + 300 * 86_400_000),
    type: 'master',
    diskSpaceUsed_: rng.int(20, 70),
    uuid: world.master.uuid,
    cpu: rng.int(5, 60),
    memoryUsed: rng.int(30, 80),
    load: rng.int(5, 70),
    dataQueue: rng.int(0, 5),
    darkflowQueue: rng.int(0, 5),
    networkInterfacesState_eth0: 'up',
    networkInterfacesAddress_eth0: world.master.ip,
    bandwidthCurrent: bandwidth,
    bandwidthCurrentString: `${(bandwidth / 1000).toFixed(2)} Mbps`,
    bandwidthAverage: mbps(rng, 200_000, 500_000),
    bandwidth7DayPeak: mbps(rng, 600_000, 900_000),
    processedBandwidthCurrent: bandwidth,
    processedBandwidthAverage: mbps(rng, 200_000, 500_000),
    connectionsPerMinuteCurrent: rng.int(20_000, 90_000),
    connectionsPerMinuteAverage: rng.int(20_000, 70_000),
    models: ctx.catalogue.models.length,
    modelsBreached: new Set(store.breaches.items.map((r) => r.alert.model.then.pid)).size,
    modelsSuppressed: 0,
    devices: world.devices.length,
    subnets: world.subnets.length,
    subnetData: world.subnets
      .filter((s) => s.sid > 0)
      .map((s) => ({
        sid: s.sid,
        network: s.network,
        devices: world.devices.filter((d) => d.sid === s.sid).length,
        clientDevices: world.devices.filter((d) => d.sid === s.sid && (d.typename === 'laptop' || d.typename === 'desktop')).length,
        mostRecentTraffic: formatDtTime(now - rng.int(0, 120) * 1000),
        mostRecentDHCP: formatDtTime(now - rng.int(60, 3600) * 1000),
        dhcpQuality: rng.int(80, 100),
        kerberosQuality: rng.int(70, 100),
      })),
    mostRecentHTTPTraffic: formatDtTime(now - rng.int(0, 30) * 1000),
    mostRecentDNSTraffic: formatDtTime(now - rng.int(0, 30) * 1000),
    mostRecentSMBTraffic: formatDtTime(now - rng.int(0, 60) * 1000),
    uptime: `${Math.floor((now - world.devices[0]!.firstSeen) / 86_400_000)} days`,
    systemuptime: `${rng.int(3, 90)} days`,
  };
  if (includeChildren) {
    const probes: Record<string, unknown> = {};
    for (const p of world.probes) {
      const downSince = store.probeErrors.get(p.id);
      const probe: Record<string, unknown> = {
        id: p.id,
        uuid: p.uuid,
        version: p.version,
        configuredServer: world.master.ip,
        ipAddress: p.ip,
        label: p.label,
        hostname: p.hostname,
        time: formatDtTime(downSince ?? now),
        type: p.type,
        load: rng.int(5, 60),
        cpu: rng.int(5, 60),
        memoryUsed: rng.int(20, 70),
        bandwidthCurrent: downSince === undefined ? mbps(rng, 20_000, 200_000) : 0,
        bandwidthAverage: mbps(rng, 20_000, 150_000),
      };
      if (downSince !== undefined) {
        probe.error = true;
        probe.lastContact = formatDtTime(downSince);
      }
      probes[String(p.id)] = probe;
    }
    body.probes = probes;
  }
  return { json: applyResponseData(body, q.str('responsedata')) };
}

export const statusRoutes: Route[] = [{ method: 'GET', pattern: /^\/status\/?$/, accepts: ['includechildren', 'fast', 'responsedata'], handle: status }];
