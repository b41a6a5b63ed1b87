// The four alert types, as the Threat Visualizer / Darktrace/Email APIs and the system-status
// JSON output render them (darktrace-api.md §3–§6).
import type { ApiModel } from './catalogue/models.ts';
import type { Device } from './world/types.ts';

export const ALERT_TYPES = ['modelBreach', 'aiAnalyst', 'systemAlert', 'email'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export interface TriggeredFilter {
  cfid: number;
  id: string;
  filterType: string;
  arguments: { value?: string | number };
  comparatorType: string;
  trigger: { value: string };
}

export interface TriggeredComponent {
  time: number;
  cbid: number;
  cid: number;
  chid: number;
  size: number;
  threshold: number;
  interval: number;
  logic: { data: unknown; version: string };
  metric: { mlid: number; name: string; label: string };
  device?: BreachDevice;
  triggeredFilters: TriggeredFilter[];
}

export type BreachDevice = Device | { did: number; [key: string]: unknown };

export interface ModelBreach {
  commentCount: number;
  pbid: number;
  time: number;
  creationTime: number;
  score: number;
  percentscore: number;
  acknowledged: false | { time: number; username: string };
  breachUrl: string;
  mitreTechniques: { technique: string; techniqueID: string }[];
  aianalystData: { uuid: string; related: number[]; summariser: string }[];
  device: BreachDevice;
  model: { then: ApiModel; now: ApiModel };
  triggeredComponents: TriggeredComponent[];
}

export interface AiaDeviceRef {
  identifier: string | null;
  hostname: string | null;
  ip: string | null;
  mac: string | null;
  subnet: string | null;
  did: number;
  sid: number;
}

export interface IncidentEvent {
  summariser: string;
  acknowledged: boolean;
  pinned: boolean;
  createdAt: number;
  attackPhases: number[];
  mitreTactics: string[];
  title: string;
  id: string;
  children: string[];
  category: string;
  currentGroup: string;
  groupCategory: string;
  groupScore: number;
  groupPreviousGroups: string[];
  activityId: string;
  groupingIds: string[];
  groupByActivity: boolean;
  userTriggered: boolean;
  externalTriggered: boolean;
  aiaScore: number;
  summary: string;
  periods: { start: number; end: number }[];
  breachDevices: AiaDeviceRef[];
  relatedBreaches: { modelName: string; pbid: number; threatScore: number; timestamp: number }[];
  sender: string | null;
  details: unknown[];
  incidentEventUrl?: string;
}

export interface SystemAlert {
  uuid: string;
  name: string;
  alert_name: string;
  priority: number;
  priority_level: 'low' | 'medium' | 'high' | 'critical';
  status: 'active' | 'resolved' | 'acknowledged';
  message: string;
  hostname: string;
  ip_address: string;
  child_id: number | null;
  last_updated: number;
  last_updated_status: number;
  acknowledge_timeout: null;
  url: string;
}

export interface EmailRecipient {
  rcpt_to: string;
  rcpt_status: string;
  tags: string[];
  is_read: boolean;
  summary: string[];
  rcpt_actions_taken: string[];
  action_status: boolean;
  is_group_email: boolean;
  requestedRelease: boolean | null;
}

export interface EmailAlert {
  uuid: string;
  direction: 'inbound' | 'outbound';
  dtime: string;
  dtime_unix: number;
  header_from: string;
  header_from_personal: string;
  header_from_email: string;
  envelope_from: string;
  header_subject: string;
  in_progress: boolean;
  n_links: number;
  n_attachments: number;
  model_score: number;
  campaign_id: number | null;
  rcpts: EmailRecipient[];
  restricted_recipients: string[];
  links: { link_host: string; link_url: string; link_text: string }[];
  attachments: { file_name: string; mime_type: string; size: number; sha1: string; sha256: string }[];
}

export interface AlertOf {
  modelBreach: ModelBreach;
  aiAnalyst: IncidentEvent;
  systemAlert: SystemAlert;
  email: EmailAlert;
}

export type AnyAlert = AlertOf[AlertType];

/** The id the ground truth and the connector key an alert by. */
export function alertId(type: AlertType, alert: AnyAlert): string {
  switch (type) {
    case 'modelBreach':
      return String((alert as ModelBreach).pbid);
    case 'aiAnalyst':
      return (alert as IncidentEvent).id;
    case 'systemAlert':
      return (alert as SystemAlert).uuid;
    case 'email':
      return (alert as EmailAlert).uuid;
  }
}
