// The three pollable Darktrace sources (system status alerts are push-only, darktrace-api.md §2.5).
import type { DarktraceConfig, FiltersConfig, PollConfig } from '../config/types.ts';
import { arrayOf, type DarktraceClient } from '../darktrace/client.ts';
import { isObject } from '../mapping/fields.ts';
import type { SourceDefinition } from './poller.ts';

export function modelBreachesSource(client: DarktraceClient, filters: FiltersConfig): SourceDefinition {
  return {
    name: 'modelbreaches',
    type: 'Policy Breach',
    keyPrefix: 'pb:',
    keyOf: (raw) => (isObject(raw) && (typeof raw.pbid === 'number' || typeof raw.pbid === 'string') ? `pb:${raw.pbid}` : undefined),
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
    keyPrefix: 'aia:',
    keyOf: (raw) => (isObject(raw) && typeof raw.id === 'string' && raw.id !== '' ? `aia:${raw.id}` : undefined),
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
    keyPrefix: 'email:',
    keyOf: (raw) => (isObject(raw) && typeof raw.uuid === 'string' && raw.uuid !== '' ? `email:${raw.uuid}` : undefined),
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
