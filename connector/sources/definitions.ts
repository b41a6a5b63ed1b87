// The three pollable Darktrace sources (system status alerts are push-only, darktrace-api.md §2.5).
import type { DarktraceConfig, FiltersConfig, PollConfig } from '../config/types.ts';
import { arrayOf, type DarktraceClient } from '../darktrace/client.ts';
import { isObject } from '../intake/fields.ts';
import type { SourceDefinition } from './poller.ts';

/** The longest window the model breach source asks for: one year, the API's limit per response. */
export const MODEL_BREACH_MAX_WINDOW_MS = 365 * 86_400_000;

export function modelBreachesSource(client: DarktraceClient, filters: FiltersConfig): SourceDefinition {
  return {
    name: 'modelbreaches',
    type: 'Policy Breach',
    // "model alerts are pulled from beginning of memory with a limit of one year per response" (§2.1);
    // the simulator applies the limit to any window, as the real API may.
    maxWindowMs: MODEL_BREACH_MAX_WINDOW_MS,
    async fetch({ startMs, endMs }, signal, keep = () => true) {
      const params: Array<[string, string | number]> = [
        ['starttime', startMs],
        ['endtime', endMs],
        // Filter on record creation, not first activity: late-created breaches are not missed (§2.1).
        ['creationtime', 'true'],
        ['includeacknowledged', 'true'],
        ['minimal', 'false'],
        ['deviceattop', 'true'],
        ['historicmodelonly', 'true'],
      ];
      if (filters.minScore > 0) params.push(['minscore', filters.minScore / 100]); // 0–1 scale here
      return arrayOf(await client.getList('/modelbreaches', params, keep, signal), '/modelbreaches');
    },
  };
}

export function aiAnalystSource(client: DarktraceClient, filters: FiltersConfig): SourceDefinition {
  return {
    name: 'aianalyst',
    type: 'AI Analyst',
    async fetch({ startMs, endMs }, signal, keep = () => true) {
      const params: Array<[string, string | number]> = [
        ['starttime', startMs],
        ['endtime', endMs],
        ['includeacknowledged', 'true'],
        // Pinned events come back whatever the window; the overlap window would re-send them.
        ['includeallpinned', 'false'],
      ];
      if (filters.minAiAnalystGroupScore > 0) params.push(['mingroupscore', filters.minAiAnalystGroupScore]);
      return arrayOf(await client.getList('/aianalyst/incidentevents', params, keep, signal), '/aianalyst/incidentevents');
    },
  };
}

export function emailSource(client: DarktraceClient, dt: DarktraceConfig, poll: PollConfig, filters: FiltersConfig): SourceDefinition {
  const prefix = dt.emailPathPrefix;
  const maxPages = 10_000;
  return {
    name: 'email',
    type: 'Antigena Email',
    async fetch({ startMs, endMs }, signal, keep = () => true) {
      const out: unknown[] = [];
      for (let page = 0; page < maxPages; page++) {
        const body = {
          page,
          itemsPerPage: poll.emailItemsPerPage,
          timeFrom: Math.floor(startMs / 1000),
          timeTo: Math.ceil(endMs / 1000),
          query: {
            criteriaList: [{ apiFilter: 'Email.Antigena Email Anomaly', value: String(Math.max(0, filters.minScore - 1)), operator: filters.minScore > 0 ? '>' : '>=' }],
            mode: 'and',
          },
        };
        // Seen emails are dropped from each page as it streams in, and their details never fetched.
        let pageLength = 0;
        const counted = (item: unknown) => (pageLength++, keep(item));
        const items = arrayOf(await client.postJsonList(`${prefix}/emails/search`, body, counted, signal), `${prefix}/emails/search`);
        for (const item of items) {
          // Search results without recipients are summaries: fetch the full email.
          if (isObject(item) && !Array.isArray(item.rcpts) && typeof item.uuid === 'string') {
            const dtime = typeof item.dtime_unix === 'number' ? [['dtime', item.dtime_unix] as [string, number]] : [];
            out.push(await client.get(`${prefix}/emails/${encodeURIComponent(item.uuid)}`, dtime, signal));
          } else out.push(item);
        }
        if (pageLength < poll.emailItemsPerPage) break;
      }
      return out;
    },
  };
}

/**
 * RESPOND actions (`GET /antigena`, darktrace-api.md §2.9): every action with a state change in the
 * window, cleared ones and their history included, flattened to one item per state change in the
 * window, with the action's device from `fulldevicedetails`.
 */
export function responseActionsSource(client: DarktraceClient): SourceDefinition {
  return {
    name: 'responseactions',
    type: 'Response Action',
    async fetch({ startMs, endMs }, signal, keep = () => true) {
      const params: Array<[string, string | number]> = [
        ['starttime', startMs],
        ['endtime', endMs],
        ['includecleared', 'true'],
        ['includehistory', 'true'],
        ['fulldevicedetails', 'true'],
      ];
      const body = await client.get('/antigena', params, signal);
      const actions = isObject(body) && Array.isArray(body.actions) ? body.actions : arrayOf(body, '/antigena');
      const devices = new Map<unknown, unknown>();
      if (isObject(body) && Array.isArray(body.devices)) for (const d of body.devices) if (isObject(d)) devices.set(d.did, d);
      const out: unknown[] = [];
      for (const action of actions) {
        if (!isObject(action)) {
          out.push(action); // dead-lettered by the mapper with its reason
          continue;
        }
        const { history, ...rest } = action;
        for (const change of Array.isArray(history) ? history : []) {
          if (!isObject(change) || typeof change.time !== 'number' || change.time < startMs || change.time > endMs) continue;
          const item = { ...rest, device: devices.get(action.did) ?? {}, change };
          if (keep(item)) out.push(item);
        }
      }
      return out;
    },
  };
}

/** Attack surface management findings (`GET /asm/api/v1/alerts`; path and payload as the simulator serves them, guessed). */
export function asmSource(client: DarktraceClient): SourceDefinition {
  return {
    name: 'asm',
    type: 'ASM',
    async fetch({ startMs, endMs }, signal, keep = () => true) {
      return arrayOf(await client.getList('/asm/api/v1/alerts', [['starttime', startMs], ['endtime', endMs]], keep, signal), '/asm/api/v1/alerts');
    },
  };
}

/** Darktrace/Email hold and release events (`GET …/system/audit/events`). */
export function emailReleaseSource(client: DarktraceClient, dt: DarktraceConfig): SourceDefinition {
  const path = `${dt.emailPathPrefix}/system/audit/events`;
  return {
    name: 'emailrelease',
    type: 'Email Release',
    async fetch({ startMs, endMs }, signal, keep = () => true) {
      return arrayOf(await client.getList(path, [['starttime', startMs], ['endtime', endMs]], keep, signal), path);
    },
  };
}
