// Picks the device a model alerts on, by the model's target role.
import type { Target } from '../catalogue/models.ts';
import type { Rng } from '../random.ts';
import type { Device, World } from '../world/types.ts';

export function pickDevice(world: World, target: Target, rng: Rng): Device {
  const p = world.pools;
  switch (target) {
    case 'client':
      return rng.pick(p.clients);
    case 'server':
      return rng.pick(p.servers);
    case 'dc':
      return rng.pick(p.domainControllers);
    case 'saas':
      return rng.pick(p.saas);
    case 'cloud':
      return rng.pick(p.cloud);
    case 'network':
      return rng.pick(p.network);
    default:
      return rng.chance(0.7) ? rng.pick(p.clients) : rng.chance(0.6) ? rng.pick(p.servers) : rng.pick(p.mobiles.length ? p.mobiles : p.clients);
  }
}

/** A name the UI would show for a device: hostname, else label, else IP. */
export function deviceName(device: { hostname?: unknown; devicelabel?: unknown; ip?: unknown; did: number }): string {
  return (device.hostname as string) ?? (device.devicelabel as string) ?? (device.ip as string) ?? `device ${device.did}`;
}
