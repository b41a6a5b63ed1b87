// Each endpoint's documented parameters and semantics (darktrace-api.md §2, §9).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailAlert, IncidentEvent, ModelBreach, Simulator } from '../../simulator/index.ts';
import { CLOCK_START_MS, dtFetch, dtJson, startSim } from './helpers.ts';

let sim: Simulator;
let url: string;
const HOUR = 3_600_000;

beforeAll(async () => {
  ({ sim, url } = await startSim({ backfill: '24h', rates: 'story=0' }));
});
afterAll(() => sim.close());

const all = () => sim.store.breaches.items.map((r) => r.alert);

describe('/modelbreaches', () => {
  it('starttime/endtime window on first-activity time, inclusive, time-sorted', async () => {
    const start = CLOCK_START_MS - 5 * HOUR;
    const end = CLOCK_START_MS - 3 * HOUR;
    const list = await dtJson<ModelBreach[]>(url, `/modelbreaches?starttime=${start}&endtime=${end}`);
    const expected = all().filter((b) => b.time >= start && b.time <= end && b.acknowledged === false);
    expect(list.map((b) => b.pbid)).toEqual(expected.map((b) => b.pbid));
    expect(list.length).toBeGreaterThan(50);
    for (let i = 1; i < list.length; i++) expect(list[i]!.time).toBeGreaterThanOrEqual(list[i - 1]!.time);
  });

  it('from/to take YYYY-MM-DD HH:MM:SS (sent encoded) and match the same starttime/endtime window', async () => {
    const a = await dtJson<ModelBreach[]>(url, '/modelbreaches?from=2024-01-15%2004:00:00&to=2024-01-15%2006:00:00');
    const b = await dtJson<ModelBreach[]>(url, `/modelbreaches?starttime=${Date.parse('2024-01-15T04:00:00Z')}&endtime=${Date.parse('2024-01-15T06:00:00Z')}`);
    expect(a.length).toBeGreaterThan(10);
    expect(a).toEqual(b);
  });

  it('epoch seconds are accepted for starttime/endtime (XSOAR event collector)', async () => {
    const ms = await dtJson<ModelBreach[]>(url, `/modelbreaches?starttime=${CLOCK_START_MS - HOUR}&endtime=${CLOCK_START_MS}`);
    const s = await dtJson<ModelBreach[]>(url, `/modelbreaches?starttime=${(CLOCK_START_MS - HOUR) / 1000}&endtime=${CLOCK_START_MS / 1000}`);
    expect(s).toEqual(ms);
  });

  it('creationtime=true windows on creationTime: late-created breaches appear where first activity would miss them', async () => {
    const late = all().find((b) => b.creationTime - b.time > 5 * 60_000 && b.creationTime < CLOCK_START_MS - HOUR)!;
    expect(late).toBeDefined();
    const start = late.creationTime - 1000;
    const end = late.creationTime + 1000;
    const byTime = await dtJson<ModelBreach[]>(url, `/modelbreaches?starttime=${start}&endtime=${end}`);
    const byCreation = await dtJson<ModelBreach[]>(url, `/modelbreaches?starttime=${start}&endtime=${end}&creationtime=true`);
    expect(byTime.map((b) => b.pbid)).not.toContain(late.pbid);
    expect(byCreation.map((b) => b.pbid)).toContain(late.pbid);
    for (const b of byCreation) expect(b.creationTime).toBeGreaterThanOrEqual(start);
  });

  it('no time parameters: everything from the beginning of memory', async () => {
    const list = await dtJson<ModelBreach[]>(url, '/modelbreaches?includeacknowledged=true');
    expect(list.length).toBe(sim.store.breaches.length);
  });

  it('one year per response: a window longer than a year is cut to its first year', async () => {
    const twoYearsAgo = CLOCK_START_MS - 2 * 365 * 86_400_000;
    expect(await dtJson<ModelBreach[]>(url, `/modelbreaches?starttime=${twoYearsAgo}&endtime=${CLOCK_START_MS}`)).toEqual([]);
    const monthsAgo = CLOCK_START_MS - 200 * 86_400_000;
    expect((await dtJson<ModelBreach[]>(url, `/modelbreaches?starttime=${monthsAgo}&endtime=${CLOCK_START_MS}`)).length).toBe(all().filter((b) => !b.acknowledged).length);
  });

  it('minscore on the 0–1 scale, pid, did, pbid and model uuid filters', async () => {
    const some = all()[100]!;
    const hi = await dtJson<ModelBreach[]>(url, '/modelbreaches?minscore=0.9');
    expect(hi.length).toBeGreaterThan(0);
    for (const b of hi) expect(b.score).toBeGreaterThanOrEqual(0.9);
    expect(hi.length).toBe(all().filter((b) => b.score >= 0.9 && !b.acknowledged).length);
    for (const b of await dtJson<ModelBreach[]>(url, `/modelbreaches?pid=${some.model.then.pid}`)) expect(b.model.then.pid).toBe(some.model.then.pid);
    for (const b of await dtJson<ModelBreach[]>(url, `/modelbreaches?did=${some.device.did}`)) expect(b.device.did).toBe(some.device.did);
    expect((await dtJson<ModelBreach[]>(url, `/modelbreaches?pbid=${some.pbid}`)).map((b) => b.pbid)).toEqual([some.pbid]);
    for (const b of await dtJson<ModelBreach[]>(url, `/modelbreaches?uuid=${some.model.then.uuid}`)) expect(b.model.then.uuid).toBe(some.model.then.uuid);
  });

  it('acknowledged breaches are hidden unless includeacknowledged=true; acknowledged is then {time, username}', async () => {
    const target = all()[10]!;
    const res = await dtFetch(url, `/modelbreaches/${target.pbid}/acknowledge`, { body: 'acknowledge=true', contentType: 'application/x-www-form-urlencoded' });
    expect(await res.json()).toEqual({ response: 'SUCCESS' });
    const hidden = await dtJson<ModelBreach[]>(url, `/modelbreaches?pbid=${target.pbid}`);
    expect(hidden).toEqual([]);
    const shown = await dtJson<ModelBreach[]>(url, `/modelbreaches?pbid=${target.pbid}&includeacknowledged=true`);
    expect(shown[0]!.acknowledged).toEqual({ time: CLOCK_START_MS, username: `DTAPI_${sim.policy.tokens[0]!.public}` });
    await dtFetch(url, `/modelbreaches/${target.pbid}/unacknowledge`, { body: '{"unacknowledge":true}', contentType: 'application/json' });
    expect((await dtJson<ModelBreach[]>(url, `/modelbreaches?pbid=${target.pbid}`))[0]!.acknowledged).toBe(false);
  });

  it('historicmodelonly=true gives a flat model; default gives {then, now}', async () => {
    const pbid = all()[5]!.pbid;
    const [flat] = await dtJson<Record<string, any>[]>(url, `/modelbreaches?pbid=${pbid}&historicmodelonly=true`);
    const [nested] = await dtJson<Record<string, any>[]>(url, `/modelbreaches?pbid=${pbid}`);
    expect(flat!.model.name).toBe(nested!.model.then.name);
    expect(nested!.model.now.pid).toBe(nested!.model.then.pid);
    expect(flat!.model.then).toBeUndefined();
  });

  it('deviceattop=false nests the device in each triggered component', async () => {
    const pbid = all()[6]!.pbid;
    const [b] = await dtJson<Record<string, any>[]>(url, `/modelbreaches?pbid=${pbid}&deviceattop=false`);
    expect(b!.device).toBeUndefined();
    expect(b!.triggeredComponents[0].device.did).toBe(all()[6]!.device.did);
  });

  it('minimal=true drops priority and components; includebreachurl only with minimal=false', async () => {
    const pbid = all()[7]!.pbid;
    const [m] = await dtJson<Record<string, any>[]>(url, `/modelbreaches?pbid=${pbid}&minimal=true&includebreachurl=true`);
    expect(m!.triggeredComponents).toBeUndefined();
    expect(m!.model.then.priority).toBeUndefined();
    expect(m!.breachUrl).toBeUndefined();
    const [full] = await dtJson<Record<string, any>[]>(url, `/modelbreaches?pbid=${pbid}&includebreachurl=true`);
    expect(full!.breachUrl).toBe(`${sim.world.instanceUrl}/#modelbreach/${pbid}`);
    const [plain] = await dtJson<Record<string, any>[]>(url, `/modelbreaches?pbid=${pbid}`);
    expect(plain!.breachUrl).toBeUndefined();
    expect(plain!.model.then.priority).toBeGreaterThanOrEqual(0);
  });

  it('expandenums=true turns numeric enum trigger values into names', async () => {
    const smb = all().find((b) => b.triggeredComponents[0]!.triggeredFilters.some((f) => f.filterType === 'Application protocol' && f.id !== 'd1'))!;
    const [raw] = await dtJson<ModelBreach[]>(url, `/modelbreaches?pbid=${smb.pbid}`);
    const [expanded] = await dtJson<ModelBreach[]>(url, `/modelbreaches?pbid=${smb.pbid}&expandenums=true`);
    const pick = (b: ModelBreach) => b.triggeredComponents[0]!.triggeredFilters.find((f) => f.filterType === 'Application protocol')!.trigger.value;
    expect(pick(raw!)).toMatch(/^\d+$/);
    expect(pick(expanded!)).toMatch(/^[A-Z_]+$/);
    const enums = await dtJson<Record<string, Record<string, string>>>(url, '/enums');
    expect(enums.applicationprotocol![pick(raw!)]).toBe(pick(expanded!));
  });

  it('group=device: score becomes the device score and the breach score moves to pbscore', async () => {
    const list = await dtJson<Record<string, number>[]>(url, `/modelbreaches?starttime=${CLOCK_START_MS - 6 * HOUR}&group=device`);
    const byDevice = new Map<number, number>();
    for (const b of list) byDevice.set(b.did!, Math.max(byDevice.get(b.did!) ?? 0, b.pbscore!));
    for (const b of list) {
      expect(b.score).toBe(byDevice.get(b.did!));
      expect(b.devicescore).toBe(b.score);
    }
  });

  it('responsedata trims each element to one top-level field; unknown parameters are ignored', async () => {
    const list = await dtJson<Record<string, unknown>[]>(url, `/modelbreaches?starttime=${CLOCK_START_MS - HOUR}&responsedata=pbid&whatever=1`);
    expect(list.length).toBeGreaterThan(0);
    for (const b of list) expect(Object.keys(b)).toEqual(['pbid']);
  });

  it('bad parameter values answer 400 INPUT ERROR', async () => {
    const res = await dtFetch(url, '/modelbreaches?minscore=high');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'Parameter minscore must be a number', response: 'INPUT ERROR' });
    expect((await dtFetch(url, '/modelbreaches?from=yesterday')).status).toBe(400);
  });

  it('/modelbreaches/{pbid}, comments, /mbcomments; unknown pbid is 404', async () => {
    const b = all()[20]!;
    const one = await dtJson<ModelBreach>(url, `/modelbreaches/${b.pbid}`);
    expect(one.pbid).toBe(b.pbid);
    await dtFetch(url, `/modelbreaches/${b.pbid}/comments`, { body: '{"message":"looked at it"}', contentType: 'application/json' });
    const comments = await dtJson<{ message: string }[]>(url, `/modelbreaches/${b.pbid}/comments`);
    expect(comments.map((c) => c.message)).toEqual(['looked at it']);
    expect((await dtJson<ModelBreach>(url, `/modelbreaches/${b.pbid}`)).commentCount).toBe(1);
    expect((await dtJson<{ pbid: number }[]>(url, `/mbcomments?pbid=${b.pbid}`)).map((c) => c.pbid)).toEqual([b.pbid]);
    const missing = await dtFetch(url, '/modelbreaches/1');
    expect(missing.status).toBe(404);
  });
});

describe('/aianalyst', () => {
  const events = () => sim.store.incidents.items.map((r) => r.alert);

  it('incidentevents defaults to the last 7 days; minscore/maxscore on aiaScore (0–100)', async () => {
    const list = await dtJson<IncidentEvent[]>(url, '/aianalyst/incidentevents?includeacknowledged=true');
    expect(list.length).toBe(events().length);
    const hi = await dtJson<IncidentEvent[]>(url, '/aianalyst/incidentevents?minscore=80');
    for (const e of hi) expect(e.aiaScore).toBeGreaterThanOrEqual(80);
    expect(hi.length).toBe(events().filter((e) => e.aiaScore >= 80 && !e.acknowledged).length);
    const lo = await dtJson<IncidentEvent[]>(url, '/aianalyst/incidentevents?maxscore=50');
    for (const e of lo) expect(e.aiaScore).toBeLessThanOrEqual(50);
  });

  it('starttime/endtime window on createdAt, pinned events always included unless includeallpinned=false', async () => {
    const start = CLOCK_START_MS - 4 * HOUR;
    const end = CLOCK_START_MS - 2 * HOUR;
    const withPinned = await dtJson<IncidentEvent[]>(url, `/aianalyst/incidentevents?starttime=${start}&endtime=${end}`);
    const noPinned = await dtJson<IncidentEvent[]>(url, `/aianalyst/incidentevents?starttime=${start}&endtime=${end}&includeallpinned=false`);
    for (const e of noPinned) expect(e.createdAt >= start && e.createdAt <= end).toBe(true);
    for (const e of withPinned) expect((e.createdAt >= start && e.createdAt <= end) || e.pinned).toBe(true);
    const pinnedOutside = events().filter((e) => e.pinned && !(e.createdAt >= start && e.createdAt <= end) && !e.acknowledged);
    expect(withPinned.length).toBe(noPinned.length + pinnedOutside.length);
    const only = await dtJson<IncidentEvent[]>(url, '/aianalyst/incidentevents?includeonlypinned=true');
    expect(only.length).toBeGreaterThan(0);
    for (const e of only) expect(e.pinned).toBe(true);
  });

  it('saasonly means SaaS-module devices (sid -9) on both /modelbreaches and /aianalyst, not IaaS cloud resources', async () => {
    const all = await dtJson<ModelBreach[]>(url, '/modelbreaches?includeacknowledged=true');
    const saas = await dtJson<ModelBreach[]>(url, '/modelbreaches?includeacknowledged=true&saasonly=true');
    expect(saas.length).toBeGreaterThan(0);
    expect(saas.map((b) => b.pbid)).toEqual(all.filter((b) => b.device.sid === -9).map((b) => b.pbid));
    expect(all.some((b) => typeof b.device.sid === 'number' && b.device.sid < 0 && b.device.sid !== -9)).toBe(true);
    const events = await dtJson<IncidentEvent[]>(url, '/aianalyst/incidentevents?includeacknowledged=true&saasonly=true');
    for (const e of events) expect(e.breachDevices.some((d) => d.sid === -9)).toBe(true);
  });

  it('mingroupscore, group category flags, did and saasonly filters', async () => {
    for (const e of await dtJson<IncidentEvent[]>(url, '/aianalyst/incidentevents?mingroupscore=60')) expect(e.groupScore).toBeGreaterThanOrEqual(60);
    for (const e of await dtJson<IncidentEvent[]>(url, '/aianalyst/incidentevents?groupcritical=true')) expect(e.groupCategory).toBe('critical');
    for (const e of await dtJson<IncidentEvent[]>(url, '/aianalyst/incidentevents?groupcritical=false')) expect(e.groupCategory).not.toBe('critical');
    const did = events()[0]!.breachDevices[0]!.did;
    for (const e of await dtJson<IncidentEvent[]>(url, `/aianalyst/incidentevents?did=${did}`)) expect(e.breachDevices.map((d) => d.did)).toContain(did);
    for (const e of await dtJson<IncidentEvent[]>(url, '/aianalyst/incidentevents?saasonly=true')) expect(e.breachDevices.some((d) => d.sid === -9)).toBe(true);
  });

  it('uuid takes priority over every filter, then groupid; includeincidenteventurl adds the URL', async () => {
    const e = events()[2]!;
    const byUuid = await dtJson<IncidentEvent[]>(url, `/aianalyst/incidentevents?uuid=${e.id}&minscore=101&starttime=0&endtime=1&includeincidenteventurl=true`);
    expect(byUuid.map((x) => x.id)).toEqual([e.id]);
    expect(byUuid[0]!.incidentEventUrl).toBe(`${sim.world.instanceUrl}/#aiaincidentevent/${e.id}`);
    const byGroup = await dtJson<IncidentEvent[]>(url, `/aianalyst/incidentevents?groupid=${e.currentGroup}&minscore=101`);
    expect(byGroup.map((x) => x.id)).toContain(e.id);
  });

  it('acknowledge/unacknowledge/pin/unpin take uuid=<id>[,<id>] and answer {"aianalyst":"SUCCESS"}', async () => {
    const [a, b] = events().filter((e) => !e.pinned);
    const form = { contentType: 'application/x-www-form-urlencoded' };
    expect(await (await dtFetch(url, '/aianalyst/acknowledge', { ...form, body: `uuid=${a!.id},${b!.id}` })).json()).toEqual({ aianalyst: 'SUCCESS' });
    let visible = await dtJson<IncidentEvent[]>(url, '/aianalyst/incidentevents');
    expect(visible.map((e) => e.id)).not.toContain(a!.id);
    await dtFetch(url, '/aianalyst/unacknowledge', { ...form, body: `uuid=${a!.id}` });
    await dtFetch(url, '/aianalyst/pin', { ...form, body: `uuid=${a!.id}` });
    visible = await dtJson<IncidentEvent[]>(url, '/aianalyst/incidentevents?includeonlypinned=true');
    expect(visible.map((e) => e.id)).toContain(a!.id);
    await dtFetch(url, '/aianalyst/unpin', { ...form, body: `uuid=${a!.id}` });
    expect((await dtFetch(url, '/aianalyst/acknowledge', { ...form, body: 'uuid=not-a-real-id' })).status).toBe(400);
  });

  it('locale accepts the documented locales and rejects others', async () => {
    expect((await dtFetch(url, '/aianalyst/incidentevents?locale=ja_JP')).status).toBe(200);
    expect((await dtFetch(url, '/aianalyst/groups?locale=xx_XX')).status).toBe(400);
  });

  it('groups: minscore/maxscore on the incident score, category flags without the group prefix', async () => {
    const groups = await dtJson<{ id: string; groupScore: number; category: string }[]>(url, '/aianalyst/groups?minscore=50&includeacknowledged=true');
    for (const g of groups) expect(g.groupScore).toBeGreaterThanOrEqual(50);
    for (const g of await dtJson<{ category: string }[]>(url, '/aianalyst/groups?suspicious=true')) expect(g.category).toBe('suspicious');
  });
});

describe('/status, /models, /devices, /details, /summarystatistics', () => {
  it('/status carries the documented master fields and probes; includechildren=false drops probes', async () => {
    const s = await dtJson<Record<string, any>>(url, '/status');
    expect(s).toMatchObject({ type: 'master', hostname: sim.world.master.hostname, version: sim.world.master.version, time: '2024-01-15 09:30:00', networkInterfacesState_eth0: 'up' });
    expect(s.bandwidthCurrentString).toMatch(/^\d+\.\d\d Mbps$/);
    expect(Object.keys(s.probes)).toEqual(sim.world.probes.map((p) => String(p.id)));
    expect(Object.values(s.probes).every((p: any) => p.type === 'vSensor')).toBe(true);
    expect((await dtJson<Record<string, unknown>>(url, '/status?includechildren=false')).probes).toBeUndefined();
  });

  it('/models lists every model; uuid filters; /models/{pid}', async () => {
    const models = await dtJson<{ name: string; uuid: string; pid: number }[]>(url, '/models');
    expect(models.length).toBe(sim.catalogue.models.length);
    const m = models[3]!;
    expect((await dtJson<{ pid: number }[]>(url, `/models?uuid=${m.uuid}`)).map((x) => x.pid)).toEqual([m.pid]);
    expect((await dtJson<{ name: string }>(url, `/models/${m.pid}`)).name).toBe(m.name);
  });

  it('/devices filters by did, sid, ip and count; tags only with includetags=true', async () => {
    const d = sim.world.pools.clients[0]!;
    const [one] = await dtJson<Record<string, unknown>[]>(url, `/devices?did=${d.did}`);
    expect(one!.hostname).toBe(d.hostname);
    expect(one!.tags).toBeUndefined();
    expect((await dtJson<Record<string, unknown>[]>(url, `/devices?did=${d.did}&includetags=true`))[0]!.tags).toEqual(d.tags);
    expect((await dtJson<unknown[]>(url, '/devices?count=5')).length).toBe(5);
    for (const x of await dtJson<{ sid: number }[]>(url, '/devices?sid=-9')) expect(x.sid).toBe(-9);
    expect((await dtJson<{ did: number }[]>(url, `/devices?ip=${d.ip}`)).map((x) => x.did)).toEqual([d.did]);
  });

  it('/details needs did/pbid/msg/blockedconnections; pbid gives the policybreach event then connections', async () => {
    expect((await dtFetch(url, '/details')).status).toBe(400);
    expect((await dtFetch(url, '/details?pbid=1&starttime=1&count=3')).status).toBe(400);
    const b = all()[30]!;
    const events = await dtJson<{ action: string; pbid?: number }[]>(url, `/details?pbid=${b.pbid}&count=3`);
    expect(events[0]).toMatchObject({ action: 'policybreach', pbid: b.pbid });
    expect(events.slice(1).every((e) => e.action === 'connection')).toBe(true);
  });

  it('/summarystatistics?responsedata=subnets (the SOAR connectivity test)', async () => {
    expect(await dtJson(url, '/summarystatistics?responsedata=subnets')).toEqual({ subnets: sim.world.subnets.length });
  });
});

describe('Darktrace/Email API under both prefixes', () => {
  const prefixes = ['/agemail/api/ep/api/v1.0', '/agemail/api/v1.0'];
  const search = (prefix: string, body: unknown) => dtJson<EmailAlert[]>(url, `${prefix}/emails/search`, { body: JSON.stringify(body), contentType: 'application/json' });
  const emails = () => sim.store.emails.items.map((r) => r.alert);

  it.each(prefixes)('%s: search pages until a short page, newest first, within timeFrom/timeTo (epoch s)', async (prefix) => {
    const timeFrom = (CLOCK_START_MS - 3 * HOUR) / 1000;
    const timeTo = CLOCK_START_MS / 1000;
    const seen: EmailAlert[] = [];
    for (let page = 0; ; page++) {
      const batch = await search(prefix, { page, itemsPerPage: 20, timeFrom, timeTo, query: { criteriaList: [{ apiFilter: 'Email.Antigena Email Anomaly', value: '0', operator: '>' }], mode: 'and' } });
      seen.push(...batch);
      if (batch.length < 20) break;
    }
    const expected = emails().filter((e) => e.dtime_unix >= timeFrom * 1000 && e.dtime_unix <= timeTo * 1000 + 999 && e.model_score > 0);
    expect(seen.length).toBe(expected.length);
    expect(new Set(seen.map((e) => e.uuid)).size).toBe(seen.length);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.dtime_unix).toBeLessThanOrEqual(seen[i - 1]!.dtime_unix);
  });

  it('criteria: score, action taken, tag, tag severity, direction; mode or', async () => {
    for (const e of await search(prefixes[0]!, { itemsPerPage: 1000, query: { criteriaList: [{ apiFilter: 'Email.Antigena Email Anomaly', value: '80', operator: '>' }], mode: 'and' } })) expect(e.model_score).toBeGreaterThan(80);
    for (const e of await search(prefixes[0]!, { itemsPerPage: 1000, query: { criteriaList: [{ apiFilter: 'Action.Action Taken', value: 'true', operator: '=' }] } })) expect(e.rcpts.some((r) => r.rcpt_actions_taken.length > 0)).toBe(true);
    for (const e of await search(prefixes[0]!, { itemsPerPage: 1000, query: { criteriaList: [{ apiFilter: 'Antigena Tag', value: 'Spam', operator: '=' }] } })) expect(e.rcpts.some((r) => r.tags.includes('Spam'))).toBe(true);
    const crit = await search(prefixes[0]!, { itemsPerPage: 1000, query: { criteriaList: [{ apiFilter: 'Model Tag Severity', value: 'critical', operator: '=' }] } });
    expect(crit.length).toBeGreaterThan(0);
    for (const e of await search(prefixes[0]!, { itemsPerPage: 1000, query: { criteriaList: [{ apiFilter: 'Connection.Direction', value: 'outbound', operator: '=' }] } })) expect(e.direction).toBe('outbound');
    const either = await search(prefixes[0]!, { itemsPerPage: 1000, query: { criteriaList: [{ apiFilter: 'Connection.Direction', value: 'outbound', operator: '=' }, { apiFilter: 'Connection.Direction', value: 'inbound', operator: '=' }], mode: 'or' } });
    expect(either.length).toBe(Math.min(1000, emails().length));
    const badFilter = await dtFetch(url, `${prefixes[0]}/emails/search`, { body: JSON.stringify({ query: { criteriaList: [{ apiFilter: 'Nope', value: '1', operator: '=' }] } }), contentType: 'application/json' });
    expect(badFilter.status).toBe(400);
  });

  it.each(prefixes)('%s: get by uuid, hold/release actions with 409 on a repeat, 404 for unknown', async (prefix) => {
    const e = emails().find((x) => x.rcpts[0]!.rcpt_status === 'delivered' && !x.rcpts[0]!.rcpt_actions_taken.length && x.rcpts.length === 1)!;
    const got = await dtJson<EmailAlert>(url, `${prefix}/emails/${e.uuid}?dtime=${e.dtime_unix}`);
    expect(got.uuid).toBe(e.uuid);
    const act = (action: string) => dtFetch(url, `${prefix}/emails/${e.uuid}/action`, { body: JSON.stringify({ action, recipients: [e.rcpts[0]!.rcpt_to] }), contentType: 'application/json' });
    const hold = await act('hold');
    expect(await hold.json()).toEqual({ code: 0, resp: 'Held Email' });
    expect((await dtJson<EmailAlert>(url, `${prefix}/emails/${e.uuid}`)).rcpts[0]!.rcpt_actions_taken).toContain('Hold message');
    const again = await act('hold');
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: 'Failed to hold email - Previously Held or Released' });
    expect(await (await act('release')).json()).toEqual({ resp: 'Email added to queue' });
    const missing = await dtFetch(url, `${prefix}/emails/00000000-0000-0000-0000-000000000000.1`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatch(/^Email not found/);
  });

  it('resources/tags lists the tags with status and readable_status', async () => {
    const tags = await dtJson<{ tag_id: string; name: string; status: string; readable_status: string }[]>(url, '/agemail/api/v1.0/resources/tags');
    expect(tags.find((t) => t.name === 'Phishing Link')).toMatchObject({ tag_id: 'pl', status: 'critical', readable_status: 'Critical' });
    expect(tags.find((t) => t.name === 'No Association')!.status).toBe('warn');
  });
});

describe('/_lab API (no DTAPI auth)', () => {
  it('GET /_lab/generated returns counts and items, filtered by type and since', async () => {
    const body = (await (await fetch(`${url}/_lab/generated?type=modelBreach&since=2024-01-15T08:00:00Z`)).json()) as { counts: Record<string, number>; items: { type: string; id: string; time: string }[] };
    expect(Object.keys(body.counts)).toEqual(['modelBreach', 'aiAnalyst', 'systemAlert', 'email']);
    expect(body.items.length).toBe(body.counts.modelBreach);
    for (const i of body.items) {
      expect(i.type).toBe('modelBreach');
      expect(Date.parse(i.time)).toBeGreaterThanOrEqual(Date.parse('2024-01-15T08:00:00Z'));
    }
    expect((await fetch(`${url}/_lab/generated?type=nope`)).status).toBe(400);
  });

  it('POST /_lab/emit N alerts of a type now, and POST /_lab/clock advances a stepped clock', async () => {
    const emit = (await (await fetch(`${url}/_lab/emit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'email', count: 3 }) })).json()) as { emitted: { type: string }[] };
    expect(emit.emitted.filter((e) => e.type === 'email')).toHaveLength(3);
    const before = sim.clock.now();
    const clock = (await (await fetch(`${url}/_lab/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: '10m' }) })).json()) as { now: string; emitted: number };
    expect(Date.parse(clock.now)).toBe(before + 600_000);
    const bad = await fetch(`${url}/_lab/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: 'soon' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^advance: invalid duration/);
    expect((await (await fetch(`${url}/_lab/health`)).json())).toMatchObject({ status: 'ok', now: new Date(before + 600_000).toISOString() });
  });
});
