// System status (health) alerts, in the JSON the syslog / HTTPS workflow outputs carry
// (darktrace-api.md §5.1). Probe Down, Advanced Search and SaaS Error are the names public sources
// show; Licence Expiry (priority low) is the lab's guess at a low-priority health alert, so that
// every priority level occurs (docs/reference/simulator.md).
import type { Rng } from '../random.ts';
import type { Appliance, World } from '../world/types.ts';
import type { SystemAlert } from '../types.ts';

const LONG_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const TICKET = 'If you have any issues, please open a ticket using the following link. https://customerportal.darktrace.com/ticket/create';

function since(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${LONG_DAYS[d.getUTCDay()]} ${d.getUTCDate()} ${LONG_MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} (UTC)`;
}

export function priorityLevel(priority: number): SystemAlert['priority_level'] {
  return priority <= 40 ? 'low' : priority <= 60 ? 'medium' : priority <= 80 ? 'high' : 'critical';
}

export type SystemAlertKind =
  | { kind: 'probe_down'; probe: Appliance }
  | { kind: 'advanced_search' }
  | { kind: 'licence_expiry' }
  | { kind: 'saas_error'; module: { name: string; module: string } };

/** The system name an alert kind raises (`probe_down-0`, `advanced_search`, `saas_error-<module>`). */
export function systemAlertName(world: World, what: SystemAlertKind): string {
  switch (what.kind) {
    case 'probe_down':
      return `probe_down-${world.probes.indexOf(what.probe)}`;
    case 'advanced_search':
      return 'advanced_search';
    case 'licence_expiry':
      return 'licence_expiry';
    case 'saas_error':
      return `saas_error-${what.module.module}`;
  }
}

/** Alert uuids are stable per system name across re-activations. */
export class SystemAlertIds {
  private readonly ids = new Map<string, string>();
  constructor(private readonly rng: Rng) {}
  uuidFor(name: string): string {
    let id = this.ids.get(name);
    if (!id) {
      id = this.rng.guid();
      this.ids.set(name, id);
    }
    return id;
  }
}

export function generateSystemAlert(world: World, ids: SystemAlertIds, what: SystemAlertKind, status: SystemAlert['status'], at: number, startedAt: number): SystemAlert {
  let name: string;
  let alertName: string;
  let priority: number;
  let message: string;
  let childId: number | null = null;
  switch (what.kind) {
    case 'probe_down': {
      name = systemAlertName(world, what);
      alertName = 'Probe Down';
      priority = 98;
      childId = what.probe.id;
      message =
        status === 'resolved'
          ? `The probe ${what.probe.id}/${what.probe.ip} has reconnected to the Master instance.\n\n${TICKET}`
          : `The probe ${what.probe.id}/${what.probe.ip} has lost connection to the Master instance. Please ensure HTTPS bidirectional connectivity exists between the Master and the Probe.\n\n${TICKET}`;
      break;
    }
    case 'advanced_search':
      name = 'advanced_search';
      alertName = 'Advanced Search';
      priority = 43;
      message = `There have been no Advanced Search hits for this instance seen since ${since(startedAt)}.\n\n${TICKET}`;
      break;
    case 'licence_expiry':
      name = 'licence_expiry';
      alertName = 'Licence Expiry';
      priority = 35;
      message =
        status === 'resolved'
          ? `The licence for this instance has been renewed.\n\n${TICKET}`
          : `The licence for this instance expires in ${30 - Math.floor((at - startedAt) / 86_400_000)} days, on ${since(startedAt + 30 * 86_400_000)}.\n\n${TICKET}`;
      break;
    case 'saas_error':
      name = `saas_error-${what.module.module}`;
      alertName = 'SaaS Error';
      priority = 71;
      message = `The SaaS Module ${what.module.name} has been failing since ${since(startedAt)} with error message "401 Unauthorized: invalid client secret". ${TICKET}`;
      break;
  }
  const uuid = ids.uuidFor(name);
  return {
    uuid,
    name,
    alert_name: alertName,
    priority,
    priority_level: priorityLevel(priority),
    status,
    message,
    hostname: world.master.hostname,
    ip_address: world.master.ip,
    child_id: childId,
    last_updated: Math.floor(at / 1000),
    last_updated_status: at / 1000,
    acknowledge_timeout: null,
    url: `${world.instanceUrl}/sysstatus?alert=${uuid}`,
  };
}
