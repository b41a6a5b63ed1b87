// A client signing per the spec posts the Darktrace push records of sentinel-table.md §5 (all four
// alert types) and they land in darktrace_model_alerts_CL with exactly the columns and types of §4.
import { createHmac } from 'node:crypto';
import { expect, it } from 'vitest';
import { aiAnalyst, antigenaEmail, policyBreach, systemAlert } from './fixtures/darktrace-push-records.ts';
import { rawRequest, startMock } from './helpers.ts';

const WORKSPACE = '97ce69d9-b4be-4241-8dbd-d265edcf06c4';
const KEY = 'SERsIYhgMVlJB6uPsq49gCxNiruf6v0vhMYE+lfzbSGcXjdViZdV/e5pEMTYtw9f8SkVLf4LFlLCc2KxtRZfCA==';

const policyBreachWithGuidSensor = { ...policyBreach, threatID: 18755, cSensorID: 'aedd289e-da2d-4a50-b385-260e273c345f' };

// sentinel-table.md §4 (darktrace-columns.json) without the seven KV-only columns of §4f, which no
// push record carries; plus the mock's standard columns (TenantId, Type, SourceSystem, _ResourceId).
const EXPECTED: Record<string, string> = {
  TimeGenerated: 'datetime',
  TenantId: 'guid',
  Type: 'string',
  SourceSystem: 'string',
  _ResourceId: 'string',
  dtProduct_s: 'string',
  modelName_s: 'string', score_d: 'double', breachTime_s: 'string', pid_d: 'double', threatID_d: 'double',
  SourceIP: 'string', sourceHost_s: 'string', sourceMac_s: 'string', sourcePort_s: 'string', destIP_s: 'string',
  destPort_s: 'string', destHost_s: 'string', destMac_s: 'string', hostname_s: 'string', typeLabel_s: 'string',
  triggeredComponents_s: 'string', details_s: 'string', description_s: 'string', breachUrl_s: 'string',
  mitreTechniques_s: 'string', tags_s: 'string', Message: 'string', Category: 'string', compliance_b: 'boolean',
  cSensor_b: 'boolean', cSensorID_s: 'string', cSensorID_g: 'guid', antigena_b: 'boolean', deviceId_d: 'double',
  sid_d: 'double', uuid_g: 'guid', longitude_d: 'double', latitude_d: 'double', blocked_b: 'boolean',
  startTime_s: 'string', endTime_s: 'string', title_s: 'string', externalId_g: 'guid', url_s: 'string',
  summary_s: 'string', groupScore_d: 'double', groupCategory_s: 'string', bestDeviceName_s: 'string',
  deviceIP_s: 'string', identifier_s: 'string', activityId_s: 'string', groupingId_s: 'string',
  groupByActivity_b: 'boolean', summaryFirstSentence_s: 'string', newEvent_b: 'boolean', currentGroup_s: 'string',
  groupPreviousGroups_s: 'string', time_s: 'string', Severity: 'double', mac_s: 'string',
  friendlyName_s: 'string', priority_code_d: 'double', priority_s: 'string', name_s: 'string', status_s: 'string',
  actions_s: 'string', anomaly_score_d: 'double', attachment_sha1s_s: 'string', direction_s: 'string',
  from_s: 'string', link_hosts_s: 'string', recipients_s: 'string', subject_s: 'string', timestamp_t: 'datetime',
  uuid_s: 'string',
};

/** Microsoft's documented algorithm, written here from the spec, as any client would. */
function signedHeaders(body: Buffer): Record<string, string> {
  const date = new Date().toUTCString();
  const stringToSign = `POST\n${body.length}\napplication/json\nx-ms-date:${date}\n/api/logs`;
  const sig = createHmac('sha256', Buffer.from(KEY, 'base64')).update(stringToSign, 'utf8').digest('base64');
  return {
    'Content-Type': 'application/json',
    'Log-Type': 'darktrace_model_alerts',
    'x-ms-date': date,
    Authorization: `SharedKey ${WORKSPACE}:${sig}`,
  };
}

it('the four Darktrace alert types land with exactly the columns and types of sentinel-table.md §4', async () => {
  const { url } = await startMock();
  const body = Buffer.from(JSON.stringify([policyBreach, policyBreachWithGuidSensor, aiAnalyst, systemAlert, antigenaEmail]), 'utf8');
  const res = await rawRequest(url, 'POST', '/api/logs?api-version=2016-04-01', signedHeaders(body), body);
  expect(res.status, res.text).toBe(200);

  const tables = await (await fetch(`${url}/_lab/tables`)).json();
  expect(tables.map((t: { name: string }) => t.name)).toEqual(['darktrace_model_alerts_CL']);
  const columns = Object.fromEntries(tables[0].columns.map((c: { name: string; type: string }) => [c.name, c.type]));
  expect(columns).toEqual(EXPECTED);
  expect(Object.keys(columns)).toHaveLength(79 - 7 + 4);

  const rows = await (await fetch(`${url}/_lab/tables/darktrace_model_alerts_CL/rows`)).json();
  expect(rows.map((r: { dtProduct_s: string }) => r.dtProduct_s)).toEqual([
    'Policy Breach',
    'Policy Breach',
    'AI Analyst',
    'System Alert',
    'Antigena Email',
  ]);
  const [breach, guidBreach, aia, system, email] = rows;
  expect(breach).toMatchObject({ SourceIP: '191.147.183.213', Category: 'Critical', Message: 'example', cSensorID_s: 'aedd289e-da2d-4a50-b385-260e273c345k', cSensorID_g: null, sourcePort_s: '4000', destMac_s: '', tags_s: '[]', uuid_g: '539464e9-df49-45e9-a9da-3beebe6394e8', triggeredComponents_s: 'Example\n' });
  expect(guidBreach).toMatchObject({ cSensorID_g: 'aedd289e-da2d-4a50-b385-260e273c345f', cSensorID_s: null });
  expect(aia).toMatchObject({ Severity: 9, externalId_g: '557eb412-4ccc-4b83-ad49-7ec5675062dd', groupScore_d: 40, currentGroup_s: 'g750d9a5e-8df9-43fb-b3a3-1d1915dbc5fc' });
  expect(system).toMatchObject({ Severity: 8, uuid_g: 'ff0870cc-10ef-4711-98f3-8d69813ccc88', priority_code_d: 71 });
  expect(email).toMatchObject({ timestamp_t: '2020-12-15T04:47:29.936Z', uuid_s: '79D0DD80-5A5E-44E9-A917-8K8567C21877.1', actions_s: '["Hold","Double Lock All Links"]', uuid_g: null });
});
