// Push records (sentinel-table.md §5, the spec's examples) → rows of the Custom-Darktrace* streams
// (§8): every declared column, with a value of its declared type. Plus how upload errors are judged.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isoFromBreachTime, isoFromEmailTimestamp, isoFromProseTime, toStreamRow, UnmappableRecordError } from '../../connector/sinks/logs-ingestion/rows.ts';
import { classifyUploadError } from '../../connector/sinks/logs-ingestion/errors.ts';

const ctx = { customLabel: '', timeField: 'alertTime' };

// §5.1–5.4, values as the spec's examples give them (newer SD).
const SD = {
  'Policy Breach': {
    dtProduct: 'Policy Breach', blocked: false, threatID: 18754, description: 'No description is available for this model breach',
    breachTime: '2019-08-02 15:52:02', breachUrl: 'https://sample/#modelbreach/18754', modelName: 'Sample Model Breach', pid: 665,
    uuid: '539464e9-df49-45e9-a9da-3beebe6394e8', score: 16, hostname: 'Sample Name', typeLabel: 'Desktop', sourceIP: '191.147.183.213',
    sourcePort: '4000', sourceMac: '03:0e:e5:79:ea:9b', sourceHost: 'Sample Name', destIP: '43.34.234.43', destPort: '80', destHost: 'ExampleHost',
    destMac: '', sid: -9, triggeredComponents: 'Example\n', details: 'https://sample/#modelbreach/18754', longitude: -74.076, latitude: 4.598,
    tags: [], message: 'example', mitreTechniques: [], antigena: false, deviceId: 3423, category: 'Critical', compliance: false, cSensor: true,
    cSensorID: 'aedd289e-da2d-4a50-b385-260e273c345k',
  },
  'AI Analyst': {
    dtProduct: 'AI Analyst', startTime: 'Jul 22nd 2020 01:16:33 UTC', endTime: 'Aug 5th 2020 02:09:34 UTC',
    summary: 'The device was observed making multiple SSL connections. It is rare.', summaryFirstSentence: 'The device was observed making multiple SSL connections.',
    groupingId: 'bba29024', externalId: '557eb412-4ccc-4b83-ad49-7ec5675062dd', url: 'https://sample.com/#aiaincidentevent/557eb412-4ccc-4b83-ad49-7ec5675062dd',
    mac: '02:0e:e6:71:ea:9b', subnet: null, activityId: '4c8c7d75', deviceIP: '172.31.9.110', hostname: 'sample_host', identifier: 'sample_host',
    bestDeviceName: 'sample_host', title: 'Possible SSL Command and Control', severity: 10, Severity: 9, groupByActivity: false,
    time: 'Jan 1st 2000 00:00:00 UTC', longitude: 45, latitude: -45, newEvent: false, score: 100, groupScore: 40,
    currentGroup: 'g750d9a5e-8df9-43fb-b3a3-1d1915dbc5fc', groupPreviousGroups: 'empty', groupCategory: 'critical',
  },
  'System Alert': {
    dtProduct: 'System Alert', url: 'https://sample.com/sysstatus?alert=ff0870cc-10ef-4711-98f3-8d69813bbb76', time: 'Jan 1st 2000 00:00:00 UTC',
    name: 'saas_error-darktrace-ms-defender', friendlyName: 'SaaS Error', message: 'The SaaS Module Microsoft Defender has been failing',
    priority_code: 71, priority: 'high', severity: 8, status: 'Resolved', hostname: 'dt-23421-01', uuid: 'ff0870cc-10ef-4711-98f3-8d69813ccc88',
    deviceIP: '10.145.0.223',
  },
  'Antigena Email': {
    dtProduct: 'Antigena Email', actions: ['Hold', 'Double Lock All Links'], anomaly_score: 89, attachment_sha1s: '358150b72784ac2ef21eaad54e02254eba5840aa',
    direction: 'inbound', from: 'sanitized@sanitized.com', link_hosts: ['google.com'], recipients: ['sanitized@sanitized.com', 'sanitized@sanitized.com'],
    subject: 'Re: Example', tags: ['Spam'], timestamp: '2020-12-15T04:47:29.936', url: 'https://sample.com/agemail/?uuid=79D0DD80-5A5E-44E9-A917-8K8567C21877.1',
    uuid: '79D0DD80-5A5E-44E9-A917-8K8567C21877.1',
  },
} as const;

const EXPECTED: Record<keyof typeof SD, Record<string, unknown>> = {
  'Policy Breach': {
    TimeGenerated: '2019-08-02T15:52:02.000Z', alertTime: '2019-08-02T15:52:02.000Z', alertUrl: 'https://sample/#modelbreach/18754', antigena: false,
    category: 'Critical', cSensor: true, cSensorId: 'aedd289e-da2d-4a50-b385-260e273c345k', compliance: false, customLabel: '', darktraceProduct: 'Policy Breach',
    description: 'No description is available for this model breach', destHost: 'ExampleHost', destIp: '43.34.234.43', destMac: '', destPort: '80',
    details: 'https://sample/#modelbreach/18754', deviceCredentials: [], deviceHostname: 'Sample Name', deviceId: 3423, deviceLabel: '', deviceSubnet: '',
    deviceType: 'Desktop', latitude: 4.598, longitude: -74.076, message: 'example', mitreTechniques: [], modelName: 'Sample Model Breach', modelTags: [],
    pid: 665, score: 16, sid: -9, sourceHost: 'Sample Name', sourceIp: '191.147.183.213', sourceMac: '03:0e:e5:79:ea:9b', sourcePort: '4000',
    threatId: 18754, triggeredComponents: 'Example\n', typeLabel: 'Desktop', uuid: '539464e9-df49-45e9-a9da-3beebe6394e8',
  },
  'AI Analyst': {
    TimeGenerated: '2000-01-01T00:00:00.000Z', activityId: '4c8c7d75', aiaScore: 100, bestAssetName: 'sample_host', currentGroup: 'g750d9a5e-8df9-43fb-b3a3-1d1915dbc5fc',
    customLabel: '', darktraceProduct: 'AI Analyst', deviceHostname: 'sample_host', deviceIp: '172.31.9.110', deviceIdentifier: 'sample_host',
    deviceMac: '02:0e:e6:71:ea:9b', deviceSubnet: '',
    devices: [{ hostname: 'sample_host', identifier: 'sample_host', bestDeviceName: 'sample_host', ip: '172.31.9.110', mac: '02:0e:e6:71:ea:9b' }],
    endTime: '2020-08-05T02:09:34.000Z', externalId: '557eb412-4ccc-4b83-ad49-7ec5675062dd', groupByActivity: false, groupCategory: 'critical',
    groupPreviousGroups: [], groupScore: 40, groupingId: 'bba29024', incidentEventTime: '2000-01-01T00:00:00.000Z',
    incidentEventTitle: 'Possible SSL Command and Control', latitude: -45, longitude: 45, newEvent: false, severity: 10,
    startTime: '2020-07-22T01:16:33.000Z', summary: 'The device was observed making multiple SSL connections. It is rare.',
    summaryFirstSentence: 'The device was observed making multiple SSL connections.', url: 'https://sample.com/#aiaincidentevent/557eb412-4ccc-4b83-ad49-7ec5675062dd',
  },
  'System Alert': {
    TimeGenerated: '2000-01-01T00:00:00.000Z', alertTime: '2000-01-01T00:00:00.000Z', customLabel: '', darktraceHostname: 'dt-23421-01',
    darktraceProduct: 'System Alert', deviceIp: '10.145.0.223', friendlyModelName: 'SaaS Error', message: 'The SaaS Module Microsoft Defender has been failing',
    modelName: 'saas_error-darktrace-ms-defender', priority: 'high', priorityCode: 71, severity: 8, status: 'Resolved', statusName: 'Resolved',
    url: 'https://sample.com/sysstatus?alert=ff0870cc-10ef-4711-98f3-8d69813bbb76', uuid: 'ff0870cc-10ef-4711-98f3-8d69813ccc88',
  },
  'Antigena Email': {
    TimeGenerated: '2020-12-15T04:47:29.936Z', actions: ['Hold', 'Double Lock All Links'], alertTime: '2020-12-15T04:47:29.936Z', anomalyScore: 89,
    attachmentNames: [], attachmentSha1s: ['358150b72784ac2ef21eaad54e02254eba5840aa'], attachmentSha256s: [], customLabel: '',
    darktraceProduct: 'Antigena Email', direction: 'inbound', from: 'sanitized@sanitized.com', linkHosts: ['google.com'], messageId: '',
    recipientActions: [], recipients: ['sanitized@sanitized.com', 'sanitized@sanitized.com'], subject: 'Re: Example', tags: ['Spam'],
    timestamp: '2020-12-15T04:47:29.936Z', url: 'https://sample.com/agemail/?uuid=79D0DD80-5A5E-44E9-A917-8K8567C21877.1',
    uuid: '79D0DD80-5A5E-44E9-A917-8K8567C21877.1',
  },
};

// The stream declarations of sentinel-table.md §8, as the shipped DCR file holds them (read as data).
const dcr = JSON.parse(readFileSync('mock-sentinel/dcr/darktrace.json', 'utf8')) as { properties: { streamDeclarations: Record<string, { columns: Array<{ name: string; type: string }> }> } };
const STREAM: Record<keyof typeof SD, string> = { 'Policy Breach': 'Custom-DarktraceModelAlerts', 'AI Analyst': 'Custom-DarktraceIncidents', 'System Alert': 'Custom-DarktraceSystemStatusAlerts', 'Antigena Email': 'Custom-DarktraceEMAIL' };

function fitsType(v: unknown, type: string): boolean {
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'int': return Number.isInteger(v) && Math.abs(v as number) < 2 ** 31;
    case 'real': return typeof v === 'number';
    case 'boolean': return typeof v === 'boolean';
    case 'datetime': return typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(v);
    case 'dynamic': return v !== undefined;
    default: return false;
  }
}

describe('push record (§5 examples) → Custom-Darktrace* stream row (§8)', () => {
  for (const type of Object.keys(SD) as Array<keyof typeof SD>) {
    it(`${type} → ${STREAM[type]}: the exact row`, () => {
      const { type: t, row } = toStreamRow({ ...SD[type] } as never, ctx);
      expect(t).toBe(type);
      expect(row).toEqual(EXPECTED[type]);
    });

    it(`${type}: every declared column of ${STREAM[type]} is sent with a value of its declared type, and nothing else`, () => {
      const { row } = toStreamRow({ ...SD[type] } as never, ctx);
      const columns = dcr.properties.streamDeclarations[STREAM[type]]!.columns;
      expect(Object.keys(row).sort()).toEqual(columns.map((c) => c.name).sort());
      for (const c of columns) expect({ column: c.name, type: c.type, fits: fitsType(row[c.name], c.type) }).toEqual({ column: c.name, type: c.type, fits: true });
    });
  }

  it('the connector’s ISO alert time (the spool’s time-generated field) wins over the prose time, to the millisecond', () => {
    const { row } = toStreamRow({ ...SD['System Alert'], alertTime: '2024-01-15T09:30:00.123Z' } as never, ctx);
    expect(row).toMatchObject({ TimeGenerated: '2024-01-15T09:30:00.123Z', alertTime: '2024-01-15T09:30:00.123Z' });
  });

  it('int columns get whole numbers (a breach score of 87.1 is sent as 87), customLabel the configured label', () => {
    const { row } = toStreamRow({ ...SD['Policy Breach'], score: 87.1 } as never, { ...ctx, customLabel: 'lab' });
    expect(row).toMatchObject({ score: 87, customLabel: 'lab' });
  });

  it('groupPreviousGroups: "empty" → [], ids joined by the legacy mapping → an array', () => {
    expect(toStreamRow({ ...SD['AI Analyst'], groupPreviousGroups: 'g1,g2' } as never, ctx).row.groupPreviousGroups).toEqual(['g1', 'g2']);
  });

  it('a record without a known dtProduct cannot be mapped (it is dead-lettered)', () => {
    expect(() => toStreamRow({ dtProduct: 'Model Breach' } as never, ctx)).toThrow(UnmappableRecordError);
    // An inherited property name is not a product either (it would pick a function for a stream).
    expect(() => toStreamRow({ dtProduct: 'constructor' } as never, ctx)).toThrow(UnmappableRecordError);
  });

  it('time strings: breach time, prose time (1st/2nd/3rd/11th), email timestamp', () => {
    expect(isoFromBreachTime('2019-08-02 15:52:02')).toBe('2019-08-02T15:52:02.000Z');
    expect(isoFromProseTime('Jan 1st 2000 00:00:00 UTC')).toBe('2000-01-01T00:00:00.000Z');
    expect(isoFromProseTime('Mar 3rd 2021 10:00:00 UTC')).toBe('2021-03-03T10:00:00.000Z');
    expect(isoFromProseTime('Dec 11th 2021 23:59:59 UTC')).toBe('2021-12-11T23:59:59.000Z');
    expect(isoFromProseTime('yesterday')).toBeNull();
    expect(isoFromEmailTimestamp('2020-12-15T04:47:29.936')).toBe('2020-12-15T04:47:29.936Z');
  });
});

describe('upload errors: retried, dead-lettered or split', () => {
  const rest = (statusCode: number, code: string, headers: Record<string, string> = {}) =>
    Object.assign(new Error(`${code} message`), { name: 'RestError', statusCode, code, response: { status: statusCode, headers: { toJSON: () => headers, get: (n: string) => headers[n] }, bodyAsText: `{"error":{"code":"${code}"}}` } });

  it('429 without Retry-After: retried with backoff; with it: after the time asked for', () => {
    expect(classifyUploadError(rest(429, 'TooManyRequests'), 3, false)).toMatchObject({ kind: 'retry', retryAfterMs: undefined });
    expect(classifyUploadError(rest(429, 'TooManyRequests', { 'retry-after': '7' }), 3, false)).toMatchObject({ kind: 'retry', retryAfterMs: 7000 });
    expect(classifyUploadError(rest(503, 'ServiceUnavailable'), 3, false)).toMatchObject({ kind: 'retry' });
  });

  it('413 for a chunk of several records: each is resent alone; for one record: dead-lettered', () => {
    expect(classifyUploadError(rest(413, 'ContentLengthLimitExceeded'), 2, false)).toMatchObject({ kind: 'retry', alone: true });
    expect(classifyUploadError(rest(413, 'ContentLengthLimitExceeded'), 1, false)).toMatchObject({ kind: 'dead-letter', reason: '413 ContentLengthLimitExceeded: ContentLengthLimitExceeded message' });
  });

  it('404 (unknown DCR or stream), 403 (no role), 401 and a 400 for a chunk of several are configuration-like (parked, with the response); a 400 for one record is dead-lettered', () => {
    expect(classifyUploadError(rest(403, 'OperationFailed'), 1, false)).toMatchObject({ kind: 'config', problem: 'role', response: { status: 403, body: '{"error":{"code":"OperationFailed"}}' } });
    expect(classifyUploadError(rest(401, 'InvalidAuthenticationToken'), 1, false)).toMatchObject({ kind: 'config', problem: 'audience' });
    expect(classifyUploadError(rest(400, 'InvalidJson'), 1, false)).toMatchObject({ kind: 'dead-letter' });
    expect(classifyUploadError(rest(400, 'InvalidJson'), 3, false)).toMatchObject({ kind: 'config', problem: 'schema' });
    expect(classifyUploadError(rest(404, 'NotFound'), 1, false)).toMatchObject({ kind: 'config', problem: 'dcr-or-stream' });
    const unknownStream = Object.assign(rest(404, 'NotFound'), { message: "Stream 'Custom-X' is not declared in the data collection rule with immutable Id 'dcr-1'." });
    expect(classifyUploadError(unknownStream, 1, false)).toMatchObject({ kind: 'config', problem: 'stream' });
    const unknownDcr = Object.assign(rest(404, 'NotFound'), { message: "Data collection rule with immutable Id 'dcr-1' not found." });
    expect(classifyUploadError(unknownDcr, 1, false)).toMatchObject({ kind: 'config', problem: 'dcr' });
  });

  it('token errors: a refused client is configuration-like (parked), an unavailable Entra is retried; network errors and timeouts are retried', () => {
    const tokenError = (message: string) => Object.assign(new Error(message), { name: 'AuthenticationRequiredError' });
    expect(classifyUploadError(tokenError('invalid_client: Error(s): 7000215 - AADSTS7000215: Invalid client secret provided.'), 1, false)).toMatchObject({ kind: 'config', problem: 'credentials' });
    expect(classifyUploadError(tokenError('temporarily_unavailable: AADSTS50196'), 1, false)).toMatchObject({ kind: 'retry' });
    expect(classifyUploadError(Object.assign(new Error('connect ECONNREFUSED'), { name: 'RestError', code: 'ECONNREFUSED' }), 1, false)).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/^network error ECONNREFUSED/) });
    expect(classifyUploadError(Object.assign(new Error('aborted'), { name: 'AbortError' }), 1, true)).toMatchObject({ kind: 'retry', reason: 'network timeout' });
  });
});
