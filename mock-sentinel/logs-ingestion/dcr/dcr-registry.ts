// The DCRs a mock instance knows, by immutable id. The shipped Darktrace DCR loads by default.
import { fileURLToPath } from 'node:url';
import { loadDcrFile, loadDcrFileSync, parseDcr, DcrValidationError, type LoadDcrOptions } from './load-dcr.ts';
import { summarizeDcr, type DataCollectionRule, type DcrSummary } from './dcr-model.ts';
import type { DcrColumnType } from '../rows/column-types.ts';

export const DEFAULT_DCR_FILE = fileURLToPath(new URL('../../dcr/darktrace.json', import.meta.url));
export const DEFAULT_DCR_IMMUTABLE_ID = 'dcr-d7a1b000000040008000000000000001';

export class DcrRegistry {
  private readonly rules = new Map<string, DataCollectionRule>();

  get(immutableId: string): DataCollectionRule | undefined {
    return this.rules.get(immutableId);
  }

  list(): DataCollectionRule[] {
    return [...this.rules.values()];
  }

  summaries(): DcrSummary[] {
    return this.list().map(summarizeDcr);
  }

  /** Adds a rule; a duplicate immutable id, or an output column typed differently by another rule, is an error. */
  add(rule: DataCollectionRule): void {
    const problems: string[] = [];
    const other = this.rules.get(rule.immutableId);
    if (other) problems.push(`properties.immutableId: '${rule.immutableId}' is already loaded from ${other.source}`);
    const known = this.outputColumnTypes();
    for (const stream of rule.streams.values()) {
      for (const flow of stream.flows) {
        for (const c of flow.transform.outputColumns) {
          const prev = known.get(`${flow.table}\u0000${c.name}`);
          if (prev && prev.type !== c.type) {
            problems.push(`properties.dataFlows[${flow.index}]: output column '${c.name}' of ${flow.table} is ${c.type} here but ${prev.type} in ${prev.source}`);
          }
        }
      }
    }
    if (problems.length > 0) throw new DcrValidationError(rule.source, problems);
    this.rules.set(rule.immutableId, rule);
  }

  async addFile(file: string, opts: LoadDcrOptions): Promise<DataCollectionRule> {
    const rule = await loadDcrFile(file, opts);
    this.add(rule);
    return rule;
  }

  addFileSync(file: string, opts: LoadDcrOptions): DataCollectionRule {
    const rule = loadDcrFileSync(file, opts);
    this.add(rule);
    return rule;
  }

  addJson(json: unknown, source: string, opts: LoadDcrOptions): DataCollectionRule {
    const rule = parseDcr(json, source, opts);
    this.add(rule);
    return rule;
  }

  private outputColumnTypes(): Map<string, { type: DcrColumnType; source: string }> {
    const map = new Map<string, { type: DcrColumnType; source: string }>();
    for (const rule of this.rules.values()) {
      for (const stream of rule.streams.values()) {
        for (const flow of stream.flows) {
          for (const c of flow.transform.outputColumns) map.set(`${flow.table}\u0000${c.name}`, { type: c.type, source: rule.source });
        }
      }
    }
    return map;
  }
}
