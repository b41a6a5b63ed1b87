// The rule files shipped for the Darktrace tables load unmodified and raise the expected alerts and
// incidents from the spec's push records (sentinel-table.md §5) posted through the Data Collector API.
import { describe, expect, it } from 'vitest';
import { DARKTRACE_RULES_DIR, loadRuleFiles } from '../../mock-sentinel/index.ts';
import { aiAnalyst, antigenaEmail, policyBreach, systemAlert } from '../mock-sentinel/fixtures/darktrace-push-records.ts';
import { postLogs } from '../mock-sentinel/helpers.ts';
import { kql } from './helpers.ts';
import { createMockSentinel } from '../../mock-sentinel/index.ts';

describe('the shipped Darktrace rules', () => {
  it('load: one NRT rule per alert type for the legacy table and the Logs Ingestion tables', () => {
    const rules = loadRuleFiles([DARKTRACE_RULES_DIR]);
    expect(rules.map((r) => [r.name, r.kind]).sort()).toEqual([
      ['Darktrace AI Analyst incident (lab)', 'NRT'],
      ['Darktrace AI Analyst incident (lab, Logs Ingestion)', 'NRT'],
      ['Darktrace model alert (lab, Logs Ingestion)', 'NRT'],
      ['Darktrace model breach (lab)', 'NRT'],
      ['Darktrace system alert (lab)', 'NRT'],
      ['Darktrace system status alert (lab, Logs Ingestion)', 'NRT'],
      ['Darktrace/Email alert (lab)', 'NRT'],
      ['Darktrace/Email alert (lab, Logs Ingestion)', 'NRT'],
    ]);
  });

  it('raise an alert per landed legacy record with the mapped severity, entities and details', async () => {
    const mock = createMockSentinel({ noQueryAuth: true, analytics: { rules: loadRuleFiles([DARKTRACE_RULES_DIR]), clock: 'manual' } });
    try {
      const { url } = await mock.listen();
      const second = { ...policyBreach, threatID: 18756, category: 'Suspicious', destIP: '43.34.234.44', destHost: 'OtherHost' };
      const posted = await postLogs(url, [policyBreach, second, aiAnalyst, systemAlert, antigenaEmail], { logType: 'darktrace_model_alerts' });
      expect(posted.status).toBe(200);
      const runs = await mock.analytics.runDue(new Date());
      // Every rule ran once without error (the Logs Ingestion tables exist, empty, from the shipped DCR).
      expect(runs.filter((r) => r.error)).toEqual([]);
      expect(runs).toHaveLength(8);

      const alerts = await kql(mock, 'SecurityAlert | order by DisplayName asc | project DisplayName, AlertSeverity, Entities, ExtendedProperties, AlertLink');
      expect(alerts.map((a) => [a.DisplayName, a.AlertSeverity])).toEqual([
        ['Darktrace AI Analyst: Possible SSL Command and Control', 'High'],
        ['Darktrace model breach: Sample Model Breach', 'High'],
        ['Darktrace model breach: Sample Model Breach', 'Medium'],
        ['Darktrace system alert: SaaS Error', 'Medium'],
        ['Darktrace/Email: Re: Example', 'High'],
      ]);
      const entities = alerts.map((a) => JSON.parse(String(a.Entities)).map(({ $id: _, ...e }: Record<string, string>) => e));
      expect(entities[0]).toEqual([{ HostName: 'sample_host', Type: 'host' }, { Address: '172.31.9.110', Type: 'ip' }]);
      expect(entities[1]).toEqual([
        { HostName: 'Sample Name', Type: 'host' },
        { Address: '191.147.183.213', Type: 'ip' },
        { Address: '43.34.234.43', Type: 'ip' },
      ]);
      expect(entities[4]).toEqual([{ Sender: 'sanitized@sanitized.com', Subject: 'Re: Example', Type: 'mailMessage' }]);
      expect(JSON.parse(JSON.parse(String(alerts[1]!.ExtendedProperties))['Custom Details'])).toMatchObject({ ModelName: ['Sample Model Breach'], BreachScore: ['16'] });
      expect(alerts[1]!.AlertLink).toBe('https://sample/#modelbreach/18754');

      // The two breaches share a source device: one incident. Four incidents in all.
      const incidents = mock.analytics.incidents();
      expect(incidents.map((i) => [i.title, i.alertIds.length]).sort()).toEqual([
        ['Darktrace AI Analyst: Possible SSL Command and Control', 1],
        ['Darktrace model breach: Sample Model Breach', 2],
        ['Darktrace system alert: SaaS Error', 1],
        ['Darktrace/Email: Re: Example', 1],
      ]);
    } finally {
      await mock.close();
    }
  });
});
