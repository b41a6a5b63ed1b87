// Mapping of each alert type to the raw push record of sentinel-table.md §5 (values from the spec's examples).
import { describe, expect, it } from 'vitest';
import { mapAlert } from '../../connector/intake/index.ts';
import { createFilter } from '../../connector/intake/filters.ts';
import type { FiltersConfig } from '../../connector/config/types.ts';
import { breachTimeString, proseTimeString } from '../../connector/intake/time-formats.ts';
import { LINK_BASE, aiAnalystEvent, email, modelBreach, systemStatusAlert } from './helpers/fixtures.ts';

const ctx = { linkBase: LINK_BASE, modelNameSeparator: '::' as const, breachTimeField: 'time' as const };

describe('Policy Breach mapping (sentinel-table.md §5.1)', () => {
  it('maps a model breach to the exact push record', () => {
    const m = mapAlert(modelBreach(), ctx);
    expect(m.type).toBe('Policy Breach');
    expect(m.key).toBe('pb:18754');
    expect(m.record).toEqual({
      dtProduct: 'Policy Breach',
      blocked: false,
      threatID: 18754,
      description: 'No description is available for this model breach',
      breachTime: '2019-08-02 15:52:02',
      breachUrl: 'https://sample/#modelbreach/18754',
      modelName: 'Sample Model Breach',
      pid: 665,
      uuid: '539464e9-df49-45e9-a9da-3beebe6394e8',
      score: 16,
      hostname: 'Sample Name',
      typeLabel: 'Desktop',
      sourceIP: '191.147.183.213',
      sourcePort: '4000',
      sourceMac: '03:0e:e5:79:ea:9b',
      sourceHost: 'Sample Name',
      destIP: '43.34.234.43',
      destPort: '80',
      destHost: 'ExampleHost',
      destMac: '',
      sid: -9,
      triggeredComponents: 'External Connections: Destination IP is 43.34.234.43, Destination port = 80, Source port = 4000, Connection hostname matches ExampleHost\n',
      details: 'https://sample/#modelbreach/18754',
      longitude: 0,
      latitude: 0,
      tags: [],
      message: '',
      mitreTechniques: [],
      antigena: false,
      deviceId: 3423,
      category: 'Critical',
      compliance: false,
      cSensor: false,
    });
  });

  it('score is on 0–100 and ports are strings', () => {
    const r = mapAlert(modelBreach({ score: 0.871 }), ctx).record;
    expect(r.score).toBe(87.1);
    expect(typeof r.sourcePort).toBe('string');
    expect(typeof r.destPort).toBe('string');
  });

  it('Category comes from the model priority: 0–3 Informational, 4 Suspicious, 5 Critical', () => {
    const cat = (priority: number) => mapAlert(modelBreach({ model: { ...(modelBreach().model as object), priority } }), ctx).record.category;
    expect([0, 3, 4, 5].map(cat)).toEqual(['Informational', 'Informational', 'Suspicious', 'Critical']);
  });

  it('reads model.then when the model comes as { then, now }', () => {
    const flat = modelBreach().model as Record<string, unknown>;
    const r = mapAlert(modelBreach({ model: { then: flat, now: { ...flat, name: 'Renamed' } } }), ctx).record;
    expect(r.modelName).toBe('Sample Model Breach');
  });

  it('a well-formed client-sensor id is sent; none is omitted (no empty cSensorID column)', () => {
    const withId = mapAlert(modelBreach({ device: { ...(modelBreach().device as object), cSensorID: 'aedd289e-da2d-4a50-b385-260e273c345f' } }), ctx).record;
    expect(withId.cSensorID).toBe('aedd289e-da2d-4a50-b385-260e273c345f');
    expect(withId.cSensor).toBe(true);
    expect('cSensorID' in mapAlert(modelBreach(), ctx).record).toBe(false);
  });
});

describe('AI Analyst mapping (sentinel-table.md §5.2)', () => {
  it('maps an incident event to the exact push record', () => {
    const m = mapAlert(aiAnalystEvent(), ctx);
    expect(m.key).toBe('aia:557eb412-4ccc-4b83-ad49-7ec5675062dd');
    expect(m.record).toEqual({
      dtProduct: 'AI Analyst',
      startTime: 'Jul 22nd 2020 01:16:33 UTC',
      endTime: 'Aug 5th 2020 02:09:34 UTC',
      summary: 'The device sample_host was observed making multiple SSL connections to the rare external endpoint 54.154.230.97. Though this behaviour could be legitimate, it is unusual.',
      summaryFirstSentence: 'The device sample_host was observed making multiple SSL connections to the rare external endpoint 54.154.230.97.',
      groupingId: 'bba29024',
      // the incident key: the group id without its `g`, so every event of the incident shares it
      externalId: '750d9a5e-8df9-43fb-b3a3-1d1915dbc5fc',
      url: 'https://sample/#aiaincidentevent/557eb412-4ccc-4b83-ad49-7ec5675062dd',
      mac: '02:0e:e6:71:ea:9b',
      activityId: '4c8c7d75',
      deviceIP: '172.31.9.110',
      hostname: 'sample_host',
      identifier: 'sample_host',
      bestDeviceName: 'sample_host',
      title: 'Possible SSL Command and Control',
      severity: 10,
      groupByActivity: false,
      time: 'Jan 1st 2000 00:00:00 UTC',
      longitude: 0,
      latitude: 0,
      newEvent: false,
      score: 100,
      groupScore: 40,
      currentGroup: 'g750d9a5e-8df9-43fb-b3a3-1d1915dbc5fc',
      groupPreviousGroups: 'empty',
      groupCategory: 'critical',
    });
  });

  it('groupScore sent as a string by older instances becomes a number', () => {
    expect(mapAlert(aiAnalystEvent({ groupScore: '72.9174234' }), ctx).record.groupScore).toBe(72.9174234);
  });

  it('§7 pitfall 9: groupCategory_s is lower-case whatever case the instance sends', () => {
    const r = mapAlert(aiAnalystEvent({ groupCategory: 'Critical' }), ctx).record;
    expect(r.groupCategory).toBe('critical');
    expect(mapAlert(aiAnalystEvent({ groupCategory: undefined, category: 'Suspicious' }), ctx).record.groupCategory).toBe('suspicious');
  });

  it('sends no subnet key (null → dropped; subnet_s is in no schema)', () => {
    expect('subnet' in mapAlert(aiAnalystEvent(), ctx).record).toBe(false);
  });
});

describe('System Alert mapping (sentinel-table.md §5.3)', () => {
  it('maps a system status alert to the exact push record', () => {
    const m = mapAlert(systemStatusAlert(), ctx);
    expect(m.record).toEqual({
      dtProduct: 'System Alert',
      url: 'https://sample/sysstatus?alert=ff0870cc-10ef-4711-98f3-8d69813ccc88',
      time: 'Jan 1st 2000 00:00:00 UTC',
      name: 'saas_error-darktrace-ms-defender',
      friendlyName: 'SaaS Error',
      message: 'The SaaS Module Microsoft Defender has been failing since Fri 23 April 2021 10:13:10 (UTC).',
      priority_code: 71,
      priority: 'high',
      severity: 8,
      status: 'Resolved',
      hostname: 'dt-23421-01',
      uuid: 'ff0870cc-10ef-4711-98f3-8d69813ccc88',
      deviceIP: '10.145.0.223',
    });
  });

  it('last_updated is epoch seconds (fractional allowed)', () => {
    const m = mapAlert(systemStatusAlert({ last_updated: 1658110810.556194 }), ctx);
    expect(m.timeMs).toBe(1658110810556);
    expect(m.record.time).toBe('Jul 18th 2022 02:20:10 UTC');
  });
});

describe('Antigena Email mapping (sentinel-table.md §5.4)', () => {
  it('maps an email to the exact push record', () => {
    const m = mapAlert(email(), ctx);
    expect(m.record).toEqual({
      dtProduct: 'Antigena Email',
      actions: ['Hold', 'Double Lock All Links'],
      anomaly_score: 89,
      attachment_sha1s: '358150b72784ac2ef21eaad54e02254eba5840aa',
      direction: 'inbound',
      from: 'sanitized@sanitized.com',
      link_hosts: ['google.com'],
      recipients: ['sanitized@sanitized.com', 'sanitized@sanitized.com'],
      subject: 'Re: Example',
      tags: ['Spam'],
      timestamp: '2020-12-15T04:47:29.936',
      url: 'https://sample/agemail/?uuid=79D0DD80-5A5E-44E9-A917-8K8567C21877.1',
      uuid: '79D0DD80-5A5E-44E9-A917-8K8567C21877.1',
    });
  });
});

describe('time strings the content expects (§2.4)', () => {
  it('breachTime is YYYY-MM-DD HH:MM:SS and prose dates use ordinals', () => {
    expect(breachTimeString(Date.UTC(2019, 7, 2, 15, 52, 2))).toBe('2019-08-02 15:52:02');
    expect(proseTimeString(Date.UTC(2020, 6, 22, 1, 16, 33))).toBe('Jul 22nd 2020 01:16:33 UTC');
    expect(proseTimeString(Date.UTC(2020, 7, 1, 0, 0, 0))).toBe('Aug 1st 2020 00:00:00 UTC');
    expect(proseTimeString(Date.UTC(2020, 7, 3, 0, 0, 0))).toBe('Aug 3rd 2020 00:00:00 UTC');
    expect(proseTimeString(Date.UTC(2020, 7, 11, 0, 0, 0))).toBe('Aug 11th 2020 00:00:00 UTC');
    expect(proseTimeString(Date.UTC(2020, 7, 12, 0, 0, 0))).toBe('Aug 12th 2020 00:00:00 UTC');
    expect(proseTimeString(Date.UTC(2020, 7, 23, 0, 0, 0))).toBe('Aug 23rd 2020 00:00:00 UTC');
  });
});

describe('type detection and malformed alerts', () => {
  it('detects each type from its shape', () => {
    expect(mapAlert(modelBreach(), ctx).type).toBe('Policy Breach');
    expect(mapAlert(aiAnalystEvent(), ctx).type).toBe('AI Analyst');
    expect(mapAlert(systemStatusAlert(), ctx).type).toBe('System Alert');
    expect(mapAlert(email(), ctx).type).toBe('Antigena Email');
  });

  it('an explicit type marker wins over the shape', () => {
    expect(mapAlert({ type: 'system-status', alert: systemStatusAlert() }, ctx).type).toBe('System Alert');
  });

  it('a ready push record (dtProduct) is accepted as is', () => {
    const rec = mapAlert(email(), ctx).record;
    const m = mapAlert(rec, ctx);
    expect(m.type).toBe('Antigena Email');
    expect(m.record).toEqual(rec);
    expect(m.timeMs).toBe(Date.UTC(2020, 11, 15, 4, 47, 29, 936));
  });

  it('rejects an alert with no recognisable type, and a breach without pbid-type fields, with reasons', () => {
    expect(() => mapAlert({ hello: 1 }, ctx)).toThrow(/cannot tell the alert type/);
    expect(() => mapAlert(modelBreach({ time: 'yesterday' }), ctx)).toThrow(/'time' must be a number/);
    expect(() => mapAlert({ dtProduct: 'Model Breach' }, ctx)).toThrow(/unknown dtProduct/);
  });
});

describe('filters', () => {
  const base: FiltersConfig = { alertTypes: ['Policy Breach', 'AI Analyst', 'System Alert', 'Antigena Email'], minScore: 0, modelNames: { include: [] as string[], exclude: [] as string[] }, minAiAnalystGroupScore: 0 };
  const breach = (name: string, score = 0.5) => mapAlert(modelBreach({ score, model: { ...(modelBreach().model as object), name } }), ctx);

  it('alert types, minimum score, model-name include/exclude, minimum AI Analyst group score', () => {
    expect(createFilter({ ...base, alertTypes: ['AI Analyst'] })(breach('A::B'))).toBe('alertType');
    expect(createFilter({ ...base, minScore: 60 })(breach('A::B', 0.5))).toBe('minScore');
    expect(createFilter({ ...base, minScore: 40 })(breach('A::B', 0.5))).toBeUndefined();
    expect(createFilter({ ...base, modelNames: { include: ['Compromise::*'], exclude: [] } })(breach('Device::Attack and Recon Tools'))).toBe('modelNameInclude');
    expect(createFilter({ ...base, modelNames: { include: ['Compromise / *'], exclude: [] } })(breach('Compromise::Beaconing'))).toBeUndefined();
    expect(createFilter({ ...base, modelNames: { include: [], exclude: ['*Test Model'] } })(breach('Unrestricted Test Model'))).toBe('modelNameExclude');
    expect(createFilter({ ...base, minAiAnalystGroupScore: 50 })(mapAlert(aiAnalystEvent(), ctx))).toBe('minAiAnalystGroupScore');
    expect(createFilter({ ...base, minAiAnalystGroupScore: 40 })(mapAlert(aiAnalystEvent(), ctx))).toBeUndefined();
  });
});
