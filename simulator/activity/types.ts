// The three activity streams behind the Custom-DarktraceResponseActions, -ASM and -EMAILRelease
// streams (sentinel-table.md §8.5–8.7). Darktrace does not publish these payloads; the shapes below
// are the simulator's, built from the CCF table columns and the API parameters darktrace-api.md
// lists (docs/reference/simulator.md, "Activity streams", marks each guessed field).

export const ACTIVITY_TYPES = ['responseAction', 'asmFinding', 'emailRelease'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** One state change of a RESPOND (Antigena) action (darktrace-api.md §2.9 history states). */
export interface ResponseActionHistory {
  time: number;
  state: 'created' | 'extended' | 'cleared' | 'expired';
  username: string;
  reason: string;
}

/** A RESPOND action as `GET /antigena` returns it (guessed shape; fields named after the §8.5 columns). */
export interface ResponseActionDevice {
  did: number;
  ip: string;
  macaddress: string;
  hostname: string;
  devicelabel: string;
  typelabel: string;
  sid: number;
  subnetLabel: string;
  subnetNetwork: string;
  /** `YYYY-MM-DD HH:MM:SS`, as the API writes device times. */
  firstSeen: string;
  lastSeen: string;
}

/** A RESPOND action as `GET /antigena` returns it (guessed shape; fields named after the §8.5 columns). */
export interface ResponseAction {
  codeid: number;
  device: ResponseActionDevice;
  /** `connection`, `pol`, `quarantine`, … (darktrace-api.md §2.9 manual action names). */
  action: string;
  /** The action as the UI words it, e.g. `Block matching connections`. */
  label: string;
  pbid: number;
  model: string;
  score: number;
  inhibitor: string;
  /** Epoch ms. */
  start: number;
  expires: number;
  active: boolean;
  cleared: boolean;
  history: ResponseActionHistory[];
}

/** One event of an attack-surface-management risk on a public asset (guessed; §8.6 columns). */
export interface AsmFinding {
  /** Unique per event: `<riskId>-<n>`. */
  id: string;
  riskId: number;
  assetId: number;
  assetName: string;
  alertType: 'New Risk' | 'Rating Change' | 'Risk Resolved';
  alertTitle: string;
  description: string;
  /** `created`, `updated`, `resolved`. */
  action: 'created' | 'updated' | 'resolved';
  state: 'Open' | 'Resolved';
  /** Letter rating A (best) … F (worst), as the solution's workbook groups them. */
  rating: string;
  previousRating: string;
  /** Epoch seconds. */
  timestamp: number;
  startTimestamp: number;
  endTimestamp: number | null;
  assetUri: string;
  riskUri: string;
  workbenchUri: string;
}

/** A hold or release of a Darktrace/Email message for one recipient (audit event; guessed shape, §8.7). */
export interface EmailReleaseEvent {
  /** Unique per event: `<email uuid>:<recipient>:<hold|release>`. */
  id: string;
  event: 'hold' | 'release';
  time: number;
  username: string;
  emailUuid: string;
  direction: 'inbound' | 'outbound';
  subject: string;
  recipient: string;
  headerFrom: string;
  headerFromEmail: string;
  envelopeFrom: string;
  tags: string[];
  summary: string[];
  dtime_unix: number;
}

export interface ActivityOf {
  responseAction: ResponseAction;
  asmFinding: AsmFinding;
  emailRelease: EmailReleaseEvent;
}

export interface ActivityItem {
  seq: number;
  type: ActivityType;
  id: string;
  time: number;
}
