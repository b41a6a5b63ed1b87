// The checks a JSON Schema cannot express, run on the parsed file whether or not it passed the schema
// (every value is type-checked before use), so one pass reports every mistake: times outside the
// duration, faults the topology cannot apply, story names and parameters, the connector config,
// KQL through the query engine, and expectations on alert types or columns the run cannot produce.
import { durationMs, ratePerSecond } from './units.ts';
import { ALERT_TYPES, type AlertType, type FaultInput, type ScenarioInput } from './types.ts';
import { faultKind } from './fault-kinds.ts';
import { isObject, show, type Findings, type KeyPath } from './diagnostics.ts';
import { checkStories, findStoryDefinition, storyAlertTypes } from './check-stories.ts';
import { checkConnectorConfig } from './check-connector-config.ts';
import { checkKql } from './check-kql.ts';
import { LEGACY_TABLE, TYPE_STREAM_TABLE, producibleColumns, workspaceTables, type Sink } from './alert-columns.ts';

type Doc = Record<string, unknown>;

/** Milliseconds of a duration as the schema allows it, or undefined (the schema reports the value). */
function ms(v: unknown): number | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  try {
    return durationMs(v);
  } catch {
    return undefined;
  }
}

function list(v: unknown): Doc[] {
  return Array.isArray(v) ? v.map((x) => (isObject(x) ? x : {})) : [];
}

export function checkScenario(doc: unknown, out: Findings): void {
  if (!isObject(doc)) return;
  const traffic = isObject(doc.traffic) ? doc.traffic : {};
  const topology = isObject(doc.topology) ? doc.topology : {};
  const expect = isObject(doc.expect) ? doc.expect : {};
  checkTimes(doc, out);
  checkTopologyFaults(doc, topology, out);
  checkStories(traffic.stories, out);
  if (topology.sink !== undefined && topology.sinks !== undefined) out.error(['topology', 'sinks'], 'give either sink (one) or sinks (a dual run), not both');
  checkConnectorConfig(topology.connectorConfig, Array.isArray(topology.sinks) ? topology.sinks[0] : topology.sink, out);
  checkClock(doc.clock, out);
  list(expect.queries).forEach((q, i) => {
    if (q.rows !== undefined && q.kql === undefined) out.error(['expect', 'queries', i, 'rows'], 'rows needs kql (use count with where)');
    if (q.error !== undefined && q.kql === undefined) out.error(['expect', 'queries', i, 'error'], 'error needs kql (a where query cannot fail)');
    if (q.error !== undefined && (q.count !== undefined || q.rows !== undefined)) out.error(['expect', 'queries', i, 'error'], 'a query expected to fail has no count or rows');
  });
  checkExpectedData(doc, traffic, topology, expect, out);
}

/** Every `at` of the traffic and the faults lies within the duration. */
function checkTimes(doc: Doc, out: Findings): void {
  const duration = ms(doc.duration);
  if (duration === undefined) return;
  if (duration <= 0) out.error(['duration'], 'must be more than zero');
  const within = (segs: KeyPath, v: unknown) => {
    const at = ms(v);
    if (at !== undefined && at > duration) out.error(segs, `is after the scenario's duration (${String(doc.duration)})`);
  };
  // Every list of timed entries: traffic.bursts/stories/malformed/…, faults, inject, whatever the format grows.
  const timedLists = (node: unknown, segs: KeyPath) => {
    if (!isObject(node)) return;
    for (const [k, v] of Object.entries(node)) if (Array.isArray(v)) list(v).forEach((e, i) => 'at' in e && within([...segs, k, i, 'at'], e.at));
  };
  timedLists(doc.traffic, ['traffic']);
  timedLists({ faults: doc.faults, inject: doc.inject }, []);
}

function checkTopologyFaults(doc: Doc, topology: Doc, out: Findings): void {
  const connector = topology.connector;
  list(doc.faults).forEach((f, i) => {
    if (typeof f.fault !== 'string') return;
    // What each fault kind needs of the topology is its descriptor's to say (fault-kinds.ts).
    for (const reason of faultKind(f.fault)?.check(f as unknown as FaultInput, doc as unknown as ScenarioInput) ?? []) out.error(['faults', i, 'fault'], reason);
  });
  const traffic = isObject(doc.traffic) ? doc.traffic : {};
  list(traffic.malformed).forEach((_m, i) => {
    if (isObject(connector)) out.error(['traffic', 'malformed', i], 'malformed alerts are pushed to a connector the run starts, not an external one');
  });
}

function checkClock(clock: unknown, out: Findings): void {
  if (!isObject(clock)) return;
  if (clock.mode !== 'accelerated' && clock.speed !== undefined) out.error(['clock', 'speed'], 'only for clock mode accelerated');
  if (clock.mode !== 'stepped' && (clock.step !== undefined || clock.interval !== undefined)) {
    out.error(['clock', clock.step !== undefined ? 'step' : 'interval'], 'only for clock mode stepped');
  }
}

/**
 * The alert types the run's own traffic generates, or undefined when it cannot be known (a simulator
 * at a URL has traffic of its own).
 */
export function generatedTypes(doc: Doc, traffic: Doc, topology: Doc): Set<AlertType> | undefined {
  if (isObject(topology.simulator)) return undefined;
  const types = new Set<AlertType>();
  const isType = (t: unknown): t is AlertType => typeof t === 'string' && (ALERT_TYPES as readonly string[]).includes(t);
  if (isObject(traffic.rates)) {
    for (const [t, r] of Object.entries(traffic.rates)) {
      let perSecond = 0;
      try {
        perSecond = typeof r === 'string' || typeof r === 'number' ? ratePerSecond(r) : 0;
      } catch {
        /* the schema reports it */
      }
      if (isType(t) && perSecond > 0) types.add(t);
    }
  }
  for (const b of list(traffic.bursts)) if (isType(b.type)) types.add(b.type);
  for (const st of list(traffic.stories)) {
    const def = typeof st.story === 'string' ? findStoryDefinition(st.story) : undefined;
    if (def) for (const t of storyAlertTypes(def, isObject(st.params) ? st.params : {})) types.add(t);
  }
  for (const e of [...list(doc.inject), ...list(traffic.inject)]) if (isType(e.type)) types.add(e.type);
  return types;
}

/**
 * Tables whose columns the run's `inject:` entries decide, so no column of theirs is warned about: a
 * raw Data Collector post's `<logType>_CL` (its records' fields, typed by value), the table of a
 * Logs Ingestion stream posted to, and the table of an alert type injected with fields set (a GUID in
 * a hostname lands in hostname_g).
 */
function injectedTables(traffic: Doc, sinks: readonly Sink[]): Set<string> {
  const open = new Set<string>();
  for (const e of list(traffic.inject)) {
    if (e.to === 'mock') {
      if (typeof e.logType === 'string') open.add(`${e.logType}_CL`);
      if (typeof e.stream === 'string') open.add(streamTable(e.stream));
    } else if (typeof e.type === 'string' && (ALERT_TYPES as readonly string[]).includes(e.type) && isObject(e.set)) {
      for (const sink of sinks) open.add(sink === 'dataCollector' ? LEGACY_TABLE : TYPE_STREAM_TABLE[e.type as AlertType]);
    }
  }
  return open;
}

/** The table a shipped-DCR stream writes: Custom-DarktraceModelAlerts → DarktraceModelAlerts_CL. */
function streamTable(stream: string): string {
  const base = stream.replace(/^Custom-/, '');
  return base.endsWith('_CL') ? base : `${base}_CL`;
}

/** The run's sinks: `sinks` (a dual run), else the one `sink` (default dataCollector). */
function runSinks(topology: Doc): Sink[] {
  const given = Array.isArray(topology.sinks) ? topology.sinks : [topology.sink];
  return given.map((k): Sink => (k === 'logsIngestion' ? 'logsIngestion' : 'dataCollector'));
}

/** A table's columns through any of the run's sinks; undefined when none writes it. */
function producibleThroughAny(table: string, types: AlertType[], sinks: readonly Sink[]): Set<string> | undefined {
  const each = sinks.map((sink) => producibleColumns(table, types, sink)).filter((c): c is Set<string> => c !== undefined);
  return each.length ? new Set(each.flatMap((c) => [...c])) : undefined;
}

/** The workspace's tables through every sink of the run (a table once). */
function workspaceTablesOf(types: AlertType[], sinks: readonly Sink[]): ReturnType<typeof workspaceTables> {
  const out: ReturnType<typeof workspaceTables> = [];
  for (const sink of sinks) for (const t of workspaceTables(types, sink)) if (!out.some((o) => o.name === t.name)) out.push(t);
  return out;
}

/** Expectations on types, tables and columns the run's traffic cannot produce. */
function checkExpectedData(doc: Doc, traffic: Doc, topology: Doc, expect: Doc, out: Findings): void {
  const types = generatedTypes(doc, traffic, topology);
  const sinks = runSinks(topology);
  const open = injectedTables(traffic, sinks);
  const known = types ?? new Set(ALERT_TYPES);
  const runTypes = known.size ? [...known].join(', ') : 'none';
  if (types && Array.isArray(expect.landed)) {
    expect.landed.forEach((t, i) => {
      if (typeof t === 'string' && (ALERT_TYPES as readonly string[]).includes(t) && !types.has(t as AlertType)) {
        out.warn(['expect', 'landed', i], `no traffic of this run generates ${t} alerts (rates, bursts, stories: ${runTypes}), so there is nothing to land`);
      }
    });
  }
  const columnWarning = (segs: KeyPath, table: string, column: string, keyOf?: string) => {
    if (open.has(table)) return;
    const columns = producibleThroughAny(table, [...known], sinks);
    if (columns === undefined) out.warn(segs, `no alert type of this run (${runTypes}) writes table ${show(table)} through the ${sinks.join(' or ')} sink`, keyOf);
    else if (!columns.has(column)) out.warn(segs, `no alert type of this run (${runTypes}) produces column ${show(column)} in ${table} (sparse tables are legitimate: it may come from data the run injects)`, keyOf);
  };
  if (isObject(expect.columns) && typeof expect.columns.table === 'string' && isObject(expect.columns.columns)) {
    for (const column of Object.keys(expect.columns.columns)) columnWarning(['expect', 'columns', 'columns'], expect.columns.table, column, column);
  }
  // A null rate over a column no alert type produces is 100% (legitimate for a sparse table, so a warning).
  list(expect.nullRate).forEach((n, i) => {
    if (typeof n.table === 'string' && typeof n.column === 'string') columnWarning(['expect', 'nullRate', i, 'column'], n.table, n.column);
  });
  let tables: ReturnType<typeof workspaceTables> | undefined;
  list(expect.queries).forEach((q, i) => {
    const table = typeof q.table === 'string' ? q.table : LEGACY_TABLE;
    if (isObject(q.where) && q.kql === undefined) {
      const keys = Object.keys(q.where);
      if (producibleThroughAny(table, [...known], sinks) === undefined) columnWarning(['expect', 'queries', i, 'table'], table, '');
      else for (const column of keys) columnWarning(['expect', 'queries', i, 'where'], table, column, column);
    }
    // A query expected to fail is not checked: its error is the point.
    if (typeof q.kql === 'string' && q.kql.trim() !== '' && q.error === undefined) {
      tables ??= withInjected(workspaceTablesOf([...known], sinks), open);
      checkKql(q.kql, ['expect', 'queries', i, 'kql'], { tables, runTypes, openTables: open }, out);
    }
  });
}

/** The workspace's tables plus each injected table not among them (its columns, but TimeGenerated, unknown until the run). */
function withInjected(tables: ReturnType<typeof workspaceTables>, open: Set<string>): ReturnType<typeof workspaceTables> {
  const missing = [...open].filter((name) => !tables.some((t) => t.name === name));
  // TimeGenerated is the one column every table has; the rest come with the records.
  return [...tables, ...missing.map((name) => ({ name, columns: [{ name: 'TimeGenerated', type: 'datetime' as const }] }))];
}
