// Every generated alert validates against the JSON Schema of its type (simulator/schemas/, written
// from darktrace-api.md §3–§6), as stored and in the API's other response shapes.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_TYPES, type AlertType, type Simulator } from '../../simulator/index.ts';
import { dtJson, startSim } from './helpers.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function validator(type: AlertType) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const schema = JSON.parse(readFileSync(new URL(`../../simulator/schemas/${type}.schema.json`, import.meta.url), 'utf8'));
  return ajv.compile(schema);
}

describe('generated alerts validate against the per-type JSON Schemas', () => {
  let sim: Simulator;
  let url: string;
  beforeAll(async () => {
    ({ sim, url } = await startSim({ backfill: '24h', rates: 'story=2/h' }));
    for (const story of ['beaconing-exfiltration', 'ransomware-smb', 'phishing-campaign', 'saas-hijack', 'probe-outage', 'connector-test']) sim.startStory(story);
    sim.advance(6 * 3_600_000);
  });
  afterAll(() => sim.close());

  it.each(ALERT_TYPES)('every %s in the ground truth is valid', (type) => {
    const validate = validator(type);
    const items = sim.engine.truth.filter((i) => i.type === type);
    expect(items.length).toBeGreaterThan(type === 'systemAlert' ? 5 : 50);
    const failures: string[] = [];
    for (const item of items) {
      const alert = sim.alertFor(type, item.id, item.seq);
      if (!validate(alert)) failures.push(`${item.id}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('breach scores have at most three decimals and percentscore matches', () => {
    for (const { alert } of sim.store.breaches.items) {
      expect(Math.round(alert.score * 1000) / 1000).toBe(alert.score);
      expect(alert.percentscore).toBe(Math.round(alert.score * 100));
      expect(alert.creationTime).toBeGreaterThanOrEqual(alert.time);
    }
  });

  it('the API response shapes validate too: default, historicmodelonly, deviceattop=false, expandenums', async () => {
    const validate = validator('modelBreach');
    for (const q of ['', '&historicmodelonly=true', '&deviceattop=false', '&expandenums=true&includebreachurl=true', '&group=device']) {
      const list = await dtJson<unknown[]>(url, `/modelbreaches?starttime=${Date.parse('2024-01-15T06:00:00Z')}${q}`);
      expect(list.length).toBeGreaterThan(10);
      for (const b of list) expect(validate(b), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('AI Analyst events from the API validate, with incidentEventUrl', async () => {
    const validate = validator('aiAnalyst');
    const list = await dtJson<unknown[]>(url, '/aianalyst/incidentevents?includeacknowledged=true&includeincidenteventurl=true');
    expect(list.length).toBeGreaterThan(3);
    for (const e of list) expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
  });
});
