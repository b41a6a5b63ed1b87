// A data collection rule as the mock uses it, resolved from the ARM JSON at load time.
import type { CompiledTransform, Column } from '../transform/kql-transform.ts';

export interface DcrDataFlow {
  /** Index in properties.dataFlows (for messages). */
  index: number;
  inputStream: string;
  outputStream: string;
  /** Log Analytics table the output stream writes to (`Custom-X_CL` → `X_CL`, `Microsoft-Syslog` → `Syslog`). */
  table: string;
  /** Workspace ids (GUIDs) of the flow's Log Analytics destinations. */
  workspaceIds: string[];
  transform: CompiledTransform;
}

export interface DcrStream {
  name: string;
  columns: Column[];
  flows: DcrDataFlow[];
}

export interface DataCollectionRule {
  immutableId: string;
  name: string;
  /** ARM resource id, used in the 403 message like the real service does. */
  armId: string;
  location: string;
  /** Where the rule came from (file path or `inline`). */
  source: string;
  streams: Map<string, DcrStream>;
}

/** The JSON shape `GET /_lab/dcrs` returns for one rule. */
export interface DcrSummary {
  immutableId: string;
  name: string;
  source: string;
  streams: {
    name: string;
    columns: Column[];
    flows: { outputStream: string; table: string; transformKql: string; workspaceIds: string[] }[];
  }[];
  outputTables: string[];
}

export function summarizeDcr(dcr: DataCollectionRule): DcrSummary {
  const streams = [...dcr.streams.values()].map((s) => ({
    name: s.name,
    columns: s.columns,
    flows: s.flows.map((f) => ({ outputStream: f.outputStream, table: f.table, transformKql: f.transform.text, workspaceIds: f.workspaceIds })),
  }));
  const outputTables = [...new Set(streams.flatMap((s) => s.flows.map((f) => f.table)))];
  return { immutableId: dcr.immutableId, name: dcr.name, source: dcr.source, streams, outputTables };
}
