// Raw Darktrace alerts built from the spec's examples (darktrace-api.md §3–§6), chosen so that the
// mapped records can be compared with sentinel-table.md §5 (the SD sample values) field by field.
export const LINK_BASE = 'https://sample';

/** 2019-08-02 15:52:02 UTC, SD's breachTime. */
export const BREACH_TIME_MS = Date.UTC(2019, 7, 2, 15, 52, 2);

export function modelBreach(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pbid: 18754,
    time: BREACH_TIME_MS,
    creationTime: BREACH_TIME_MS + 14_000,
    commentCount: 0,
    score: 0.16,
    acknowledged: false,
    mitreTechniques: [],
    aianalystData: [],
    device: {
      did: 3423,
      ip: '191.147.183.213',
      sid: -9,
      hostname: 'Sample Name',
      macaddress: '03:0e:e5:79:ea:9b',
      typename: 'desktop',
      typelabel: 'Desktop',
    },
    model: {
      name: 'Sample Model Breach',
      pid: 665,
      phid: 1072,
      uuid: '539464e9-df49-45e9-a9da-3beebe6394e8',
      priority: 5,
      category: 'Critical',
      compliance: false,
      description: 'No description is available for this model breach',
      tags: [],
      actions: { alert: true, antigena: {}, breach: true, model: true, setPriority: false, setTag: false, setType: false },
    },
    triggeredComponents: [
      {
        time: BREACH_TIME_MS,
        cbid: 1,
        cid: 2026,
        chid: 2113,
        size: 11,
        threshold: 10,
        interval: 3600,
        metric: { mlid: 1, name: 'externalconnections', label: 'External Connections' },
        triggeredFilters: [
          { cfid: 1, id: 'A', filterType: 'Destination IP', arguments: { value: '43.34.234.43' }, comparatorType: 'is', trigger: { value: '43.34.234.43' } },
          { cfid: 2, id: 'B', filterType: 'Destination port', arguments: { value: 80 }, comparatorType: '=', trigger: { value: '80' } },
          { cfid: 3, id: 'C', filterType: 'Source port', arguments: { value: 4000 }, comparatorType: '=', trigger: { value: '4000' } },
          { cfid: 4, id: 'D', filterType: 'Connection hostname', arguments: { value: 'ExampleHost' }, comparatorType: 'matches', trigger: { value: 'ExampleHost' } },
          { cfid: 5, id: 'd1', filterType: 'Direction', arguments: {}, comparatorType: 'display', trigger: { value: 'out' } },
        ],
      },
    ],
    ...overrides,
  };
}

/** Jul 22nd 2020 01:16:33 UTC and Aug 5th 2020 02:09:34 UTC (SD), created Jan 1st 2000 00:00:00 UTC. */
export const AIA_START_MS = Date.UTC(2020, 6, 22, 1, 16, 33);
export const AIA_END_MS = Date.UTC(2020, 7, 5, 2, 9, 34);
export const AIA_CREATED_MS = Date.UTC(2000, 0, 1, 0, 0, 0);

export function aiAnalystEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '557eb412-4ccc-4b83-ad49-7ec5675062dd',
    children: ['557eb412-4ccc-4b83-ad49-7ec5675062dd'],
    title: 'Possible SSL Command and Control',
    summary: 'The device sample_host was observed making multiple SSL connections to the rare external endpoint 54.154.230.97. Though this behaviour could be legitimate, it is unusual.',
    summariser: 'BeaconSummary',
    createdAt: AIA_CREATED_MS,
    category: 'critical',
    aiaScore: 100,
    currentGroup: 'g750d9a5e-8df9-43fb-b3a3-1d1915dbc5fc',
    groupCategory: 'critical',
    groupScore: '40',
    groupPreviousGroups: null,
    activityId: '4c8c7d75',
    groupingIds: ['bba29024'],
    groupByActivity: false,
    userTriggered: false,
    externalTriggered: false,
    acknowledged: false,
    pinned: false,
    attackPhases: [2],
    mitreTactics: ['command-and-control'],
    periods: [{ start: AIA_START_MS, end: AIA_END_MS }],
    breachDevices: [{ identifier: 'sample_host', hostname: 'sample_host', ip: '172.31.9.110', mac: '02:0e:e6:71:ea:9b', subnet: null, did: 10, sid: 12 }],
    relatedBreaches: [{ modelName: 'Compromise / Beaconing Activity To External Rare', pbid: 6, threatScore: 88, timestamp: AIA_START_MS }],
    sender: null,
    details: [],
    ...overrides,
  };
}

export function systemStatusAlert(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uuid: 'ff0870cc-10ef-4711-98f3-8d69813ccc88',
    name: 'saas_error-darktrace-ms-defender',
    alert_name: 'SaaS Error',
    priority: 71,
    priority_level: 'high',
    status: 'resolved',
    message: 'The SaaS Module Microsoft Defender has been failing since Fri 23 April 2021 10:13:10 (UTC).',
    hostname: 'dt-23421-01',
    ip_address: '10.145.0.223',
    child_id: null,
    last_updated: AIA_CREATED_MS / 1000,
    last_updated_status: AIA_CREATED_MS / 1000,
    acknowledge_timeout: null,
    ...overrides,
  };
}

export const EMAIL_UUID = '79D0DD80-5A5E-44E9-A917-8K8567C21877.1';
/** 2020-12-15T04:47:29.936Z (SD's email timestamp). */
export const EMAIL_TIME_MS = Date.UTC(2020, 11, 15, 4, 47, 29, 936);

export function email(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uuid: EMAIL_UUID,
    direction: 'inbound',
    dtime: '2020-12-15T04:47:29.936Z',
    dtime_unix: EMAIL_TIME_MS,
    header_from: '"Sanitized" <sanitized@sanitized.com>',
    header_from_personal: 'Sanitized',
    header_from_email: 'sanitized@sanitized.com',
    header_subject: 'Re: Example',
    in_progress: false,
    n_links: 1,
    n_attachments: 1,
    model_score: 89,
    campaign_id: null,
    attachments: [{ sha1: '358150b72784ac2ef21eaad54e02254eba5840aa' }],
    links: [{ link_host: 'google.com' }],
    rcpts: [
      { rcpt_to: 'sanitized@sanitized.com', rcpt_status: 'held', tags: ['Spam'], is_read: false, is_group_email: false, summary: [], rcpt_actions_taken: ['Hold message', 'Double Lock All Links'], action_status: true, requestedRelease: null },
      { rcpt_to: 'sanitized@sanitized.com', rcpt_status: 'held', tags: ['Spam'], is_read: false, is_group_email: false, summary: [], rcpt_actions_taken: ['Hold message'], action_status: true, requestedRelease: null },
    ],
    restricted_recipients: [],
    ...overrides,
  };
}

/**
 * The columns each alert type lands in (sentinel-table.md §5: key → column, with types from §4),
 * plus the standard columns and the connector's time-generated field.
 */
export const EXPECTED_COLUMNS: Record<string, Record<string, string>> = {
  'Policy Breach': {
    dtProduct_s: 'string', blocked_b: 'boolean', threatID_d: 'double', description_s: 'string', breachTime_s: 'string',
    breachUrl_s: 'string', modelName_s: 'string', pid_d: 'double', uuid_g: 'guid', score_d: 'double', hostname_s: 'string',
    typeLabel_s: 'string', SourceIP: 'string', sourcePort_s: 'string', sourceMac_s: 'string', sourceHost_s: 'string',
    destIP_s: 'string', destPort_s: 'string', destHost_s: 'string', destMac_s: 'string', sid_d: 'double',
    triggeredComponents_s: 'string', details_s: 'string', longitude_d: 'double', latitude_d: 'double', tags_s: 'string',
    Message: 'string', mitreTechniques_s: 'string', antigena_b: 'boolean', deviceId_d: 'double', Category: 'string',
    compliance_b: 'boolean', cSensor_b: 'boolean',
  },
  'AI Analyst': {
    dtProduct_s: 'string', startTime_s: 'string', endTime_s: 'string', summary_s: 'string', summaryFirstSentence_s: 'string',
    groupingId_s: 'string', externalId_g: 'guid', url_s: 'string', mac_s: 'string', activityId_s: 'string', deviceIP_s: 'string',
    hostname_s: 'string', identifier_s: 'string', bestDeviceName_s: 'string', title_s: 'string', Severity: 'double',
    groupByActivity_b: 'boolean', time_s: 'string', longitude_d: 'double', latitude_d: 'double', newEvent_b: 'boolean',
    score_d: 'double', groupScore_d: 'double', currentGroup_s: 'string', groupPreviousGroups_s: 'string', groupCategory_s: 'string',
  },
  'System Alert': {
    dtProduct_s: 'string', url_s: 'string', time_s: 'string', name_s: 'string', friendlyName_s: 'string', Message: 'string',
    priority_code_d: 'double', priority_s: 'string', Severity: 'double', status_s: 'string', hostname_s: 'string', uuid_g: 'guid',
    deviceIP_s: 'string',
  },
  'Antigena Email': {
    dtProduct_s: 'string', actions_s: 'string', anomaly_score_d: 'double', attachment_sha1s_s: 'string', direction_s: 'string',
    from_s: 'string', link_hosts_s: 'string', recipients_s: 'string', subject_s: 'string', tags_s: 'string', timestamp_t: 'datetime',
    url_s: 'string', uuid_s: 'string',
  },
};
