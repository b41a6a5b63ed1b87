// RESPOND (Antigena) actions, raised by the model breaches that call for them, on the breach's own
// device, with a lifecycle: created, sometimes extended, then cleared by an analyst or expired.
// Each action draws from its own generator (seed and pbid), so the other streams are unchanged.
import { Rng } from '../random.ts';
import type { ModelBreach } from '../types.ts';
import type { World } from '../world/types.ts';
import type { ResponseAction, ResponseActionHistory } from './types.ts';

const ACTIONS: Array<{ action: string; label: string; inhibitor: string }> = [
  { action: 'connection', label: 'Block matching connections', inhibitor: 'Block connections' },
  { action: 'pol', label: 'Enforce pattern of life', inhibitor: 'Enforce pattern of life' },
  { action: 'gpol', label: 'Enforce group pattern of life', inhibitor: 'Enforce group pattern of life' },
  { action: 'quarantineOutgoing', label: 'Quarantine outgoing traffic', inhibitor: 'Block all outgoing traffic' },
  { action: 'quarantine', label: 'Quarantine device', inhibitor: 'Quarantine device' },
];
const ANALYSTS = ['analyst.one', 'soc.tier2', 'j.doe'];

/** A breach RESPOND acts on: an Antigena/RESPOND model, or a high-scoring breach on a network device. */
export function wantsResponse(breach: ModelBreach, world: World): boolean {
  const device = world.devicesByDid.get(breach.device.did);
  if (!device || device.sid < 0) return false; // SaaS and cloud pseudo-devices: no network action
  return breach.model.then.name.startsWith('Antigena::') || breach.percentscore >= 80;
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export interface PlannedAction {
  action: ResponseAction;
  /** Later state changes, applied by the engine when the clock reaches them. */
  later: ResponseActionHistory[];
}

export function planResponseAction(world: World, seed: number, codeid: number, breach: ModelBreach, at: number): PlannedAction {
  const rng = new Rng(`respond:${seed}:${breach.pbid}`);
  const device = world.devicesByDid.get(breach.device.did)!;
  const subnet = world.subnets.find((s) => s.sid === device.sid);
  const kind = breach.model.then.name.startsWith('Antigena::') ? rng.pick(ACTIONS) : rng.pick(ACTIONS.slice(0, 3));
  const duration = rng.pick([600_000, 1_800_000, 3_600_000, 7_200_000]);
  const model = breach.model.then.name;
  const action: ResponseAction = {
    codeid,
    device: {
      did: device.did,
      ip: device.ip ?? '',
      macaddress: device.macaddress ?? '',
      hostname: device.hostname ?? '',
      devicelabel: device.devicelabel ?? '',
      typelabel: device.typelabel,
      sid: device.sid,
      subnetLabel: subnet?.label ?? '',
      subnetNetwork: subnet?.network ?? '',
      firstSeen: stamp(device.firstSeen),
      lastSeen: stamp(Math.max(device.lastSeen, at)),
    },
    action: kind.action,
    label: kind.label,
    pbid: breach.pbid,
    model,
    score: breach.percentscore,
    inhibitor: kind.inhibitor,
    start: at,
    expires: at + duration,
    active: true,
    cleared: false,
    history: [{ time: at, state: 'created', username: 'Darktrace RESPOND', reason: `Model breach: ${model}` }],
  };
  const later: ResponseActionHistory[] = [];
  let end = at + duration;
  if (rng.chance(0.25)) {
    const t = at + Math.floor(duration / 2);
    end += duration;
    later.push({ time: t, state: 'extended', username: 'Darktrace RESPOND', reason: 'Continued anomalous activity' });
  }
  if (rng.chance(0.4)) {
    const t = at + rng.int(60_000, Math.max(60_000, end - at - 60_000));
    later.push({ time: Math.max(t, (later.at(-1)?.time ?? at) + 1), state: 'cleared', username: rng.pick(ANALYSTS), reason: 'Investigated: expected activity' });
  } else {
    later.push({ time: end, state: 'expired', username: 'Darktrace RESPOND', reason: 'Action duration elapsed' });
  }
  return { action, later };
}

/** Applies a later state change to the action (the API shows its current state and full history). */
export function applyState(action: ResponseAction, change: ResponseActionHistory): void {
  action.history.push(change);
  if (change.state === 'extended') action.expires += action.expires - action.start;
  if (change.state === 'cleared' || change.state === 'expired') {
    action.active = false;
    action.cleared = change.state === 'cleared';
    if (change.state === 'cleared') action.expires = change.time;
  }
}
