// Loads DCRs from ARM-shaped JSON (the resource as `GET …/dataCollectionRules/{name}` returns it):
//   { "name", "location", "properties": { "immutableId", "streamDeclarations", "destinations", "dataFlows" } }
// Every problem is reported with the file, the JSON path and the reason; transforms are compiled here
// so an unsupported one fails at load, never at ingest.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isDcrColumnType, DCR_COLUMN_TYPES, type DcrColumnType } from '../rows/column-types.ts';
import { compileTransform, TransformError, type Column } from '../transform/kql-transform.ts';
import type { DataCollectionRule, DcrDataFlow, DcrStream } from './dcr-model.ts';

export class DcrValidationError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid data collection rule:\n  - ${problems.join('\n  - ')}`);
    this.name = 'DcrValidationError';
  }
}

const IMMUTABLE_ID = /^dcr-[0-9a-f]{32}$/;
const COLUMN_NAME = /^[A-Za-z][A-Za-z0-9_]{0,44}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Reserved column names of the output tables (spec B4, Migrate + overview lists), case-insensitive. */
const RESERVED_COLUMNS = ['_ResourceId', 'id', '_SubscriptionId', 'TenantId', 'Type', 'UniqueId', 'Title', 'resource', 'resourceid', 'resourcename', 'resourcetype', 'subscriptionid'];

export interface LoadDcrOptions {
  /** Workspace id used when a destination names none (the mock's default workspace). */
  defaultWorkspaceId: string;
}

export async function loadDcrFile(file: string, opts: LoadDcrOptions): Promise<DataCollectionRule> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new DcrValidationError(file, [`cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
  return parseText(text, file, opts);
}

/** Synchronous variant, so a mock instance can refuse a bad --dcr file when it is created. */
export function loadDcrFileSync(file: string, opts: LoadDcrOptions): DataCollectionRule {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DcrValidationError(file, [`cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
  return parseText(text, file, opts);
}

function parseText(text: string, file: string, opts: LoadDcrOptions): DataCollectionRule {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DcrValidationError(file, [`not valid JSON (${(err as Error).message})`]);
  }
  return parseDcr(json, file, opts);
}

export function parseDcr(json: unknown, source: string, opts: LoadDcrOptions): DataCollectionRule {
  const problems: string[] = [];
  const at = (path: string, reason: string) => problems.push(`${path}: ${reason}`);
  const fail = () => new DcrValidationError(source, problems);

  if (!isObject(json)) throw new DcrValidationError(source, ['$: expected an ARM resource object { name, location, properties }']);
  const props = json.properties;
  if (!isObject(props)) throw new DcrValidationError(source, ['properties: required object']);
  const name = typeof json.name === 'string' && json.name ? json.name : 'dcr';
  const location = typeof json.location === 'string' ? json.location : 'westeurope';

  const immutableId = props.immutableId;
  if (typeof immutableId !== 'string' || !IMMUTABLE_ID.test(immutableId)) {
    at('properties.immutableId', `required, 'dcr-' followed by 32 lower-case hex digits (got ${JSON.stringify(immutableId)})`);
  }

  // streamDeclarations
  const declared = new Map<string, Column[]>();
  const decls = props.streamDeclarations;
  if (!isObject(decls) || Object.keys(decls).length === 0) {
    at('properties.streamDeclarations', 'required object with at least one Custom-* stream');
  } else {
    for (const [streamName, decl] of Object.entries(decls)) {
      const p = `properties.streamDeclarations['${streamName}']`;
      if (!streamName.startsWith('Custom-') || streamName.length <= 'Custom-'.length) at(p, "stream names must start with 'Custom-'");
      if (!isObject(decl) || !Array.isArray(decl.columns) || decl.columns.length === 0) {
        at(`${p}.columns`, 'required non-empty array of { name, type }');
        continue;
      }
      const columns: Column[] = [];
      const seen = new Set<string>();
      decl.columns.forEach((col: unknown, i: number) => {
        const cp = `${p}.columns[${i}]`;
        if (!isObject(col)) return at(cp, 'expected { name, type }');
        if (typeof col.name !== 'string' || !COLUMN_NAME.test(col.name)) {
          return at(`${cp}.name`, `${JSON.stringify(col.name)} is not a valid column name (a letter, then up to 44 letters, digits or underscores)`);
        }
        if (!isDcrColumnType(col.type)) return at(`${cp}.type`, `${JSON.stringify(col.type)} is not one of ${DCR_COLUMN_TYPES.join(', ')}`);
        if (seen.has(col.name.toLowerCase())) return at(`${cp}.name`, `duplicate column '${col.name}'`);
        seen.add(col.name.toLowerCase());
        columns.push({ name: col.name, type: col.type });
      });
      declared.set(streamName, columns);
    }
  }

  // destinations
  const workspaceByDestination = new Map<string, string>();
  const dest = props.destinations;
  const la = isObject(dest) ? dest.logAnalytics : undefined;
  if (!Array.isArray(la) || la.length === 0) {
    at('properties.destinations.logAnalytics', 'required non-empty array of { name, workspaceId? | workspaceResourceId? }');
  } else {
    la.forEach((d: unknown, i: number) => {
      const p = `properties.destinations.logAnalytics[${i}]`;
      if (!isObject(d) || typeof d.name !== 'string' || !d.name) return at(`${p}.name`, 'required string');
      if (workspaceByDestination.has(d.name)) return at(`${p}.name`, `duplicate destination '${d.name}'`);
      if (d.workspaceId !== undefined && (typeof d.workspaceId !== 'string' || !GUID.test(d.workspaceId))) {
        return at(`${p}.workspaceId`, 'must be the workspace GUID');
      }
      workspaceByDestination.set(d.name, typeof d.workspaceId === 'string' ? d.workspaceId.toLowerCase() : opts.defaultWorkspaceId);
    });
  }

  // dataFlows
  const streams = new Map<string, DcrStream>();
  for (const [n, columns] of declared) streams.set(n, { name: n, columns, flows: [] });
  const tableColumns = new Map<string, Map<string, { type: DcrColumnType; path: string }>>();
  const flows = props.dataFlows;
  if (!Array.isArray(flows) || flows.length === 0) {
    at('properties.dataFlows', 'required non-empty array');
  } else {
    flows.forEach((flow: unknown, i: number) => {
      const p = `properties.dataFlows[${i}]`;
      if (!isObject(flow)) return at(p, 'expected { streams, destinations, outputStream, transformKql }');
      const inStreams = flow.streams;
      if (!Array.isArray(inStreams) || inStreams.length === 0 || !inStreams.every((s) => typeof s === 'string')) {
        return at(`${p}.streams`, 'required non-empty array of stream names');
      }
      const dests = flow.destinations;
      if (!Array.isArray(dests) || dests.length === 0 || !dests.every((d) => typeof d === 'string')) {
        return at(`${p}.destinations`, 'required non-empty array of destination names');
      }
      const workspaceIds: string[] = [];
      for (const d of dests as string[]) {
        const ws = workspaceByDestination.get(d);
        if (ws === undefined) at(`${p}.destinations`, `'${d}' is not a destination in properties.destinations.logAnalytics`);
        else if (!workspaceIds.includes(ws)) workspaceIds.push(ws);
      }
      const transformKql = flow.transformKql ?? 'source';
      if (typeof transformKql !== 'string') return at(`${p}.transformKql`, 'must be a string');
      const outputStream = flow.outputStream;
      if (typeof outputStream !== 'string') return at(`${p}.outputStream`, "required for custom streams ('Custom-<Table>_CL' or 'Microsoft-<Table>')");
      const table = tableOf(outputStream);
      if (!table) return at(`${p}.outputStream`, `'${outputStream}' must be 'Custom-<Table>_CL' or 'Microsoft-<Table>'`);
      for (const s of inStreams as string[]) {
        const stream = streams.get(s);
        if (!stream) {
          at(`${p}.streams`, `'${s}' is not declared in properties.streamDeclarations (the Logs Ingestion API only accepts declared Custom-* streams)`);
          continue;
        }
        let transform;
        try {
          transform = compileTransform(transformKql, stream.columns);
        } catch (err) {
          if (err instanceof TransformError) {
            at(`${p}.transformKql`, `${err.message} for stream '${s}'`);
            continue;
          }
          throw err;
        }
        checkOutputColumns(transform.outputColumns, `${p}.transformKql`, table, tableColumns, at);
        const df: DcrDataFlow = { index: i, inputStream: s, outputStream, table, workspaceIds, transform };
        stream.flows.push(df);
      }
    });
  }
  for (const s of streams.values()) {
    if (s.flows.length === 0 && declared.size > 0) at(`properties.streamDeclarations['${s.name}']`, 'no data flow reads this stream');
  }
  if (problems.length > 0) throw fail();
  return {
    immutableId: immutableId as string,
    name,
    location,
    armId: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dtlab/providers/Microsoft.Insights/dataCollectionRules/${name}`,
    source,
    streams,
  };
}

/** `Custom-X_CL` → `X_CL`; `Microsoft-Syslog` → `Syslog`. */
export function tableOf(outputStream: string): string | undefined {
  const custom = /^Custom-([A-Za-z][A-Za-z0-9_]*_CL)$/.exec(outputStream);
  if (custom) return custom[1];
  const ms = /^Microsoft-([A-Za-z][A-Za-z0-9_]*)$/.exec(outputStream);
  return ms ? ms[1] : undefined;
}

function checkOutputColumns(
  columns: Column[],
  path: string,
  table: string,
  tables: Map<string, Map<string, { type: DcrColumnType; path: string }>>,
  at: (path: string, reason: string) => void,
): void {
  const known = tables.get(table) ?? new Map<string, { type: DcrColumnType; path: string }>();
  tables.set(table, known);
  for (const c of columns) {
    if (RESERVED_COLUMNS.some((r) => r.toLowerCase() === c.name.toLowerCase())) {
      at(path, `output column '${c.name}' of ${table} is a reserved name`);
      continue;
    }
    if (c.name === 'TimeGenerated' && c.type !== 'datetime') {
      at(path, `output column TimeGenerated of ${table} must be datetime, not ${c.type}`);
      continue;
    }
    const prev = known.get(c.name);
    if (prev && prev.type !== c.type) {
      // "You can't reuse a column name with a data type that's different to the original" (spec B6).
      at(path, `output column '${c.name}' of ${table} is ${c.type} here but ${prev.type} at ${prev.path}`);
      continue;
    }
    known.set(c.name, { type: c.type, path });
  }
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
