// The world hangs together: incidents point at breaches that exist on their own devices; breach
// devices and models exist; stories produce the alerts they promise, in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_DEFS } from '../../simulator/catalogue/models.ts';
import type { EmailAlert, IncidentEvent, ModelBreach, Simulator, SystemAlert } from '../../simulator/index.ts';
import { dtJson, startSim } from './helpers.ts';

describe('model catalogue', () => {
  it('has at least 60 real model names across every family, with the API separator', () => {
    expect(MODEL_DEFS.length).toBeGreaterThanOrEqual(60);
    const families = new Set(MODEL_DEFS.map((d) => d.name.split('::')[0]));
    for (const f of ['Anomalous Connection', 'Anomalous File', 'Anomalous Server Activity', 'Compliance', 'Compromise', 'Device', 'Unusual Activity', 'User', 'SaaS', 'IaaS', 'Antigena', 'System', 'Unrestricted Test Model']) {
      expect(families.has(f), f).toBe(true);
    }
    expect(new Set(MODEL_DEFS.map((d) => d.name)).size).toBe(MODEL_DEFS.length);
  });
});

describe('consistency of generated alerts', () => {
  let sim: Simulator;
  let url: string;
  beforeAll(async () => {
    ({ sim, url } = await startSim({ backfill: '24h', rates: 'story=1/h' }));
  });
  afterAll(() => sim.close());

  it('every AI Analyst event points at breaches that exist, on the devices the event names, created before it', () => {
    const events = sim.store.incidents.items.map((r) => r.alert);
    expect(events.length).toBeGreaterThan(20);
    for (const e of events) {
      expect(e.relatedBreaches.length).toBeGreaterThan(0);
      const dids = e.breachDevices.map((d) => d.did);
      for (const rb of e.relatedBreaches) {
        const b = sim.store.breachByPbid.get(rb.pbid)?.alert;
        expect(b, `pbid ${rb.pbid}`).toBeDefined();
        expect(dids).toContain(b!.device.did);
        expect(rb.modelName).toBe(b!.model.then.name.split('::').join(' / '));
        expect(rb.timestamp).toBe(b!.time);
        expect(b!.creationTime).toBeLessThanOrEqual(e.createdAt);
        expect(b!.aianalystData.some((a) => a.uuid === e.id)).toBe(true);
      }
    }
  });

  it('events of one incident share currentGroup, and /aianalyst/groups folds them', async () => {
    const groups = await dtJson<{ id: string; incidentEvents: { uuid: string }[]; devices: number[] }[]>(url, '/aianalyst/groups?includeacknowledged=true&starttime=0');
    const events = sim.store.incidents.items.map((r) => r.alert);
    for (const g of groups) {
      for (const ie of g.incidentEvents) expect(sim.store.incidentById.get(ie.uuid)!.alert.currentGroup).toBe(g.id);
    }
    expect(new Set(groups.map((g) => g.id))).toEqual(new Set(events.map((e) => e.currentGroup)));
  });

  it('breach devices and models exist in the world and the catalogue', () => {
    for (const { alert: b } of sim.store.breaches.items) {
      const model = sim.catalogue.byUuid.get(b.model.then.uuid);
      expect(model?.then.name).toBe(b.model.then.name);
      expect(sim.catalogue.byPid.get(b.model.now.pid)).toBe(model);
      if (b.model.then.name === 'System::System') expect(b.device.did).toBe(-1);
      else if (b.model.then.name === 'Unrestricted Test Model') expect(b.device.hostname).toBe('test-device.example.com');
      else expect(sim.world.devicesByDid.get(b.device.did)).toBe(b.device);
      expect(b.breachUrl).toBe(b.model.then.name === 'Unrestricted Test Model' ? '' : `${sim.world.instanceUrl}/#modelbreach/${b.pbid}`);
    }
  });

  it('pbids increase with creation order and are unique', () => {
    const byCreation = sim.store.breachesByCreation.items.map((r) => r.alert);
    const seen = new Set<number>();
    for (let i = 1; i < byCreation.length; i++) expect(byCreation[i]!.pbid).toBeGreaterThan(byCreation[i - 1]!.pbid);
    for (const b of byCreation) seen.add(b.pbid);
    expect(seen.size).toBe(byCreation.length);
  });

  it('system alerts alternate active → resolved per uuid: an active alert is never raised again', () => {
    sim.emitNow('systemAlert', 12);
    sim.startStory('probe-outage', { duration: '30m' });
    sim.startStory('probe-outage', { duration: '10m' });
    sim.advance(3 * 3_600_000);
    const last = new Map<string, string>();
    for (const item of sim.engine.truth.filter((i) => i.type === 'systemAlert')) {
      expect(last.get(item.id) ?? 'resolved', `${item.id} twice ${item.status}`).not.toBe(item.status);
      last.set(item.id, item.status!);
    }
    expect(last.size).toBeGreaterThanOrEqual(5);
  });

  it('email recipients are users of the company domain', () => {
    for (const { alert: e } of sim.store.emails.items) for (const r of e.rcpts) expect(r.rcpt_to.endsWith(`@${sim.world.domain}`)).toBe(true);
  });
});

describe('stories', () => {
  let sim: Simulator;
  let url: string;
  beforeAll(async () => {
    ({ sim, url } = await startSim({ backfill: 0, rates: 'modelBreach=0,aiAnalyst=0,systemAlert=0,email=0,story=0' }));
  });
  afterAll(() => sim.close());

  const since = () => sim.engine.truth.length;
  const after = (n: number) => sim.engine.truth.slice(n);

  it('beaconing-exfiltration: beaconing → lateral movement → exfiltration on one device, one incident over those breaches', () => {
    const n = since();
    const run = sim.startStory('beaconing-exfiltration', { spacing: '10m' });
    sim.advance(60 * 60_000);
    const items = after(n).filter((i) => i.story === run.id);
    const breaches = items.filter((i) => i.type === 'modelBreach').map((i) => sim.alertFor('modelBreach', i.id) as ModelBreach);
    const events = items.filter((i) => i.type === 'aiAnalyst').map((i) => sim.alertFor('aiAnalyst', i.id) as IncidentEvent);
    expect(breaches.map((b) => b.model.then.name)).toEqual([
      'Compromise::Beaconing Activity To External Rare',
      'Compromise::SSL Beaconing to New Endpoint',
      'Device::SMB Lateral Movement',
      'Anomalous Connection::Uncommon 1 GiB Outbound',
      'Unusual Activity::Enhanced Unusual External Data Transfer',
    ]);
    expect(new Set(breaches.map((b) => b.device.did)).size).toBe(1);
    expect(events).toHaveLength(2);
    expect(events[0]!.currentGroup).toBe(events[1]!.currentGroup);
    expect(events[1]!.relatedBreaches.map((r) => r.pbid)).toEqual(breaches.map((b) => b.pbid));
    expect(events[1]!.breachDevices[0]!.did).toBe(breaches[0]!.device.did);
  });

  it('ransomware-smb: ransom notes written to the requested number of shares, then an incident', () => {
    const n = since();
    const run = sim.startStory('ransomware-smb', { shares: 4, spacing: '1m' });
    sim.advance(10 * 60_000);
    const items = after(n).filter((i) => i.story === run.id);
    const ransom = items.filter((i) => i.type === 'modelBreach').map((i) => sim.alertFor('modelBreach', i.id) as ModelBreach).filter((b) => b.model.then.name.includes('Ransom'));
    expect(ransom).toHaveLength(4);
    const incident = items.find((i) => i.type === 'aiAnalyst');
    expect((sim.alertFor('aiAnalyst', incident!.id) as IncidentEvent).mitreTactics).toContain('impact');
  });

  it('phishing-campaign: one email per recipient in one campaign, then a breach on the clicking user\'s workstation', () => {
    const clicked = sim.world.users[3]!;
    const n = since();
    const run = sim.startStory('phishing-campaign', { recipients: 4, clicked: clicked.email, spacing: '5m' });
    sim.advance(20 * 60_000);
    const items = after(n).filter((i) => i.story === run.id);
    const emails = items.filter((i) => i.type === 'email').map((i) => sim.alertFor('email', i.id) as EmailAlert);
    expect(emails.length).toBeGreaterThanOrEqual(4);
    expect(new Set(emails.map((e) => e.campaign_id)).size).toBe(1);
    expect(emails[0]!.campaign_id).not.toBeNull();
    expect(new Set(emails.map((e) => e.header_from_email)).size).toBe(1);
    expect(emails.map((e) => e.rcpts[0]!.rcpt_to)).toContain(clicked.email);
    const breach = items.find((i) => i.type === 'modelBreach');
    const b = sim.alertFor('modelBreach', breach!.id) as ModelBreach;
    expect(b.device.did).toBe(clicked.workstation);
    expect(b.time).toBeGreaterThan(emails[0]!.dtime_unix - 180_000);
    const linkHost = emails[0]!.links[0]!.link_host;
    expect(b.triggeredComponents[0]!.triggeredFilters.some((f) => f.trigger.value === linkHost)).toBe(true);
  });

  it('saas-hijack: SaaS breaches on the user\'s SaaS credential and a "Possible Hijack of … Account" incident', () => {
    const user = sim.world.users[5]!;
    const n = since();
    const run = sim.startStory('saas-hijack', { user: user.email });
    sim.advance(30 * 60_000);
    const items = after(n).filter((i) => i.story === run.id);
    const breaches = items.filter((i) => i.type === 'modelBreach').map((i) => sim.alertFor('modelBreach', i.id) as ModelBreach);
    expect(breaches).toHaveLength(3);
    for (const b of breaches) expect(b.device.did).toBe(user.saas);
    const event = sim.alertFor('aiAnalyst', items.find((i) => i.type === 'aiAnalyst')!.id) as IncidentEvent;
    expect(event.title).toMatch(/^Possible Hijack of (Office365|AzureActiveDirectory) Account$/);
    expect(event.breachDevices[0]).toMatchObject({ did: user.saas, sid: -9, ip: null });
  });

  it('probe-outage: Probe Down active, /status shows the probe in error, then resolved and healthy', async () => {
    const n = since();
    const run = sim.startStory('probe-outage', { duration: '20m', probe: 2 });
    const status = await dtJson<{ probes: Record<string, { error?: boolean; lastContact?: string }> }>(url, '/status');
    expect(status.probes['2']).toMatchObject({ error: true });
    expect(status.probes['2']!.lastContact).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(status.probes['1']!.error).toBeUndefined();
    sim.advance(25 * 60_000);
    const items = after(n).filter((i) => i.story === run.id);
    const system = items.filter((i) => i.type === 'systemAlert');
    expect(system.map((i) => i.status)).toEqual(['active', 'resolved']);
    const [active, resolved] = system.map((i) => sim.alertFor('systemAlert', i.id, i.seq) as SystemAlert);
    expect(active!.uuid).toBe(resolved!.uuid);
    expect(active).toMatchObject({ name: 'probe_down-1', alert_name: 'Probe Down', child_id: 2, priority_level: 'critical' });
    expect(items.some((i) => i.type === 'modelBreach' && (sim.alertFor('modelBreach', i.id) as ModelBreach).model.then.name === 'System::System')).toBe(true);
    const after2 = await dtJson<{ probes: Record<string, { error?: boolean }> }>(url, '/status');
    expect(after2.probes['2']!.error).toBeUndefined();
  });

  it('connector-test: one Unrestricted Test Model breach, served by /modelbreaches', async () => {
    const n = since();
    sim.startStory('connector-test');
    const items = after(n);
    expect(items).toHaveLength(1);
    const list = await dtJson<ModelBreach[]>(url, `/modelbreaches?pbid=${items[0]!.id}&includebreachurl=true`);
    expect(list[0]).toMatchObject({ score: 1, breachUrl: '', model: { then: { name: 'Unrestricted Test Model', priority: 5 } }, device: { hostname: 'test-device.example.com', vendor: 'Test Vendor' } });
  });

  it('unknown story or parameter is a clear error', () => {
    expect(() => sim.startStory('nope')).toThrow(/unknown story 'nope'/);
    expect(() => sim.startStory('saas-hijack', { bogus: 1 })).toThrow(/no parameter 'bogus'/);
  });
});
