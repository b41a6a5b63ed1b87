// Loads analytic rules in the Azure-Sentinel YAML format, unmodified, from files and folders. Every
// key the lab does not support, every bad value and every query that does not parse is reported with
// its file, key and reason (RuleLoadError); nothing is skipped silently.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { analyze } from '../query/parser.ts';
import { ENTITY_TYPES } from './entity-types.ts';
import { RuleLoadError, type RuleProblem } from './rule-load-error.ts';
import { parseRuleDuration } from './rule-duration.ts';
import {
  DYNAMIC_ALERT_PROPERTIES,
  MATCHING_METHODS,
  SEVERITIES,
  TACTICS,
  TRIGGER_OPERATORS,
  type AnalyticRule,
  type DynamicAlertProperty,
  type EntityMapping,
  type MatchingMethod,
  type Severity,
  type TriggerOperator,
} from './rule-model.ts';

/** Keys read for information only (they change nothing the lab runs). */
const INFORMATIONAL_KEYS = ['requiredDataConnectors', 'version', 'metadata', 'tags', 'status'];
const SUPPORTED_KEYS = new Set([
  'id', 'name', 'description', 'severity', 'kind', 'query', 'queryFrequency', 'queryPeriod', 'triggerOperator',
  'triggerThreshold', 'eventGroupingSettings', 'entityMappings', 'customDetails', 'alertDetailsOverride',
  'incidentConfiguration', 'suppressionEnabled', 'suppressionDuration', 'tactics', 'relevantTechniques', 'enabled',
  ...INFORMATIONAL_KEYS,
]);

const TECHNIQUE = /^T\d{4}(?:\.\d{3})?$/;
/** ARM spellings of the trigger operators, accepted as well. */
const OPERATOR_ALIASES: Record<string, TriggerOperator> = { GreaterThan: 'gt', LessThan: 'lt', Equal: 'eq', NotEqual: 'ne' };
const MIN_FREQUENCY_MS = 5 * 60_000;
const MAX_PERIOD_MS = 14 * 86_400_000;
const NRT_FREQUENCY_MS = 60_000;
const CUSTOM_DETAIL_KEY = /^[A-Za-z0-9_]{1,20}$/;
const MAX_CUSTOM_DETAILS = 20;
const MAX_ENTITY_MAPPINGS = 10;

type Doc = Record<string, unknown>;

/** Collects the problems of one rule document while reading its keys. */
class RuleReader {
  readonly problems: RuleProblem[] = [];
  constructor(private readonly file: string) {}

  problem(key: string, reason: string): void {
    this.problems.push({ file: this.file, key, reason });
  }

  string(doc: Doc, key: string, path: string, required: boolean): string | undefined {
    const v = doc[key];
    if (v === undefined || v === null) {
      if (required) this.problem(path, 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || (required && v.trim() === '')) {
      this.problem(path, 'must be a non-empty string');
      return undefined;
    }
    return v;
  }

  boolean(doc: Doc, key: string, path: string, fallback: boolean): boolean {
    const v = doc[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') {
      this.problem(path, 'must be true or false');
      return fallback;
    }
    return v;
  }

  oneOf<T extends string>(doc: Doc, key: string, path: string, values: readonly T[], fallback: T | undefined): T | undefined {
    const v = doc[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) this.problem(path, `is required (one of ${values.join(', ')})`);
      return fallback;
    }
    if (typeof v !== 'string' || !values.includes(v as T)) {
      this.problem(path, `'${String(v)}' is not one of ${values.join(', ')}`);
      return fallback;
    }
    return v as T;
  }

  duration(doc: Doc, key: string, path: string, fallback: number | undefined): number | undefined {
    const v = doc[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) this.problem(path, 'is required (a duration such as 5m, 1h, 1d or PT5H)');
      return fallback;
    }
    const ms = parseRuleDuration(v);
    if (ms === undefined || ms <= 0) {
      this.problem(path, `'${String(v)}' is not a duration (5m, 1h, 1d or ISO-8601 such as PT5H)`);
      return fallback;
    }
    return ms;
  }

  stringList(doc: Doc, key: string, path: string, check?: (v: string) => string | undefined): string[] {
    const v = doc[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.problem(path, 'must be a list');
      return [];
    }
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item !== 'string') return this.problem(`${path}[${i}]`, 'must be a string');
      const bad = check?.(item);
      if (bad) return this.problem(`${path}[${i}]`, bad);
      out.push(item);
    });
    return out;
  }

  object(doc: Doc, key: string, path: string, allowed: readonly string[]): Doc | undefined {
    const v = doc[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.problem(path, 'must be a mapping');
      return undefined;
    }
    for (const k of Object.keys(v)) {
      if (!allowed.includes(k)) this.problem(`${path}.${k}`, `not supported by the lab (supported: ${allowed.join(', ')})`);
    }
    return v as Doc;
  }
}

/** Validates one parsed rule document. */
export function parseRule(doc: unknown, file: string): { rule?: AnalyticRule; problems: RuleProblem[] } {
  const r = new RuleReader(file);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    r.problem('(file)', 'is not a YAML mapping of rule keys');
    return { problems: r.problems };
  }
  const d = doc as Doc;
  for (const key of Object.keys(d)) {
    if (!SUPPORTED_KEYS.has(key)) r.problem(key, 'not supported by the lab (docs/reference/analytics.md lists the supported keys)');
  }
  const id = r.string(d, 'id', 'id', true);
  const name = r.string(d, 'name', 'name', true);
  const description = r.string(d, 'description', 'description', false) ?? '';
  const severity = r.oneOf<Severity>(d, 'severity', 'severity', SEVERITIES, undefined);
  const kind = r.oneOf(d, 'kind', 'kind', ['Scheduled', 'NRT'] as const, 'Scheduled')!;
  const query = r.string(d, 'query', 'query', true);
  if (query !== undefined) {
    const first = analyze(query, []).syntaxErrors[0];
    if (first) {
      const before = query.slice(0, first.start);
      const line = before.split('\n').length;
      const column = first.start - before.lastIndexOf('\n');
      r.problem('query', `does not parse: ${first.message} (query line ${line}, column ${column})`);
    }
  }

  const nrt = kind === 'NRT';
  // NRT rules run every minute over the rows ingested since their last run: frequency and period
  // are not theirs (published NRT rules sometimes carry them; they are accepted and ignored).
  const frequency = r.duration(d, 'queryFrequency', 'queryFrequency', nrt ? NRT_FREQUENCY_MS : undefined);
  const period = r.duration(d, 'queryPeriod', 'queryPeriod', nrt ? NRT_FREQUENCY_MS : undefined);
  if (!nrt && frequency !== undefined && (frequency < MIN_FREQUENCY_MS || frequency > MAX_PERIOD_MS)) {
    r.problem('queryFrequency', 'must be between 5 minutes and 14 days');
  }
  if (!nrt && period !== undefined && (period < MIN_FREQUENCY_MS || period > MAX_PERIOD_MS)) {
    r.problem('queryPeriod', 'must be between 5 minutes and 14 days');
  }

  let triggerOperator: TriggerOperator = 'gt';
  const rawOperator = d.triggerOperator;
  if (rawOperator === undefined || rawOperator === null) {
    if (!nrt) r.problem('triggerOperator', `is required (one of ${TRIGGER_OPERATORS.join(', ')})`);
  } else if (typeof rawOperator === 'string' && (TRIGGER_OPERATORS as readonly string[]).includes(rawOperator)) {
    triggerOperator = rawOperator as TriggerOperator;
  } else if (typeof rawOperator === 'string' && OPERATOR_ALIASES[rawOperator]) {
    triggerOperator = OPERATOR_ALIASES[rawOperator]!;
  } else {
    r.problem('triggerOperator', `'${String(rawOperator)}' is not one of ${TRIGGER_OPERATORS.join(', ')}`);
  }
  let triggerThreshold = 0;
  const rawThreshold = d.triggerThreshold;
  if (rawThreshold === undefined || rawThreshold === null) {
    if (!nrt) r.problem('triggerThreshold', 'is required (a whole number of result rows)');
  } else if (typeof rawThreshold !== 'number' || !Number.isInteger(rawThreshold) || rawThreshold < 0) {
    r.problem('triggerThreshold', `'${String(rawThreshold)}' must be a whole number ≥ 0`);
  } else triggerThreshold = rawThreshold;

  const grouping = r.object(d, 'eventGroupingSettings', 'eventGroupingSettings', ['aggregationKind']);
  const aggregationKind = grouping
    ? r.oneOf(grouping, 'aggregationKind', 'eventGroupingSettings.aggregationKind', ['SingleAlert', 'AlertPerResult'] as const, 'SingleAlert')!
    : 'SingleAlert';

  const entityMappings = readEntityMappings(r, d.entityMappings);
  const customDetails = readCustomDetails(r, d.customDetails);

  const override = r.object(d, 'alertDetailsOverride', 'alertDetailsOverride', [
    'alertDisplayNameFormat',
    'alertDescriptionFormat',
    'alertSeverityColumnName',
    'alertTacticsColumnName',
    'alertDynamicProperties',
  ]);
  const alertDetailsOverride: AnalyticRule['alertDetailsOverride'] = { alertDynamicProperties: [] };
  if (override) {
    const p = 'alertDetailsOverride';
    const set = (key: 'alertDisplayNameFormat' | 'alertDescriptionFormat' | 'alertSeverityColumnName' | 'alertTacticsColumnName') => {
      const v = r.string(override, key, `${p}.${key}`, false);
      if (v !== undefined && v.trim() !== '') alertDetailsOverride[key] = v;
    };
    set('alertDisplayNameFormat');
    set('alertDescriptionFormat');
    set('alertSeverityColumnName');
    set('alertTacticsColumnName');
    const dynamic = override.alertDynamicProperties;
    if (dynamic !== undefined && dynamic !== null) {
      if (!Array.isArray(dynamic)) r.problem(`${p}.alertDynamicProperties`, 'must be a list');
      else {
        dynamic.forEach((item, i) => {
          const path = `${p}.alertDynamicProperties[${i}]`;
          const o = r.object({ item }, 'item', path, ['alertProperty', 'value']);
          if (!o) return r.problem(path, 'must be a mapping with alertProperty and value');
          const alertProperty = r.oneOf<DynamicAlertProperty>(o, 'alertProperty', `${path}.alertProperty`, DYNAMIC_ALERT_PROPERTIES, undefined);
          const value = r.string(o, 'value', `${path}.value`, true);
          if (alertProperty && value) alertDetailsOverride.alertDynamicProperties.push({ alertProperty, value });
        });
      }
    }
  }

  const incident = r.object(d, 'incidentConfiguration', 'incidentConfiguration', ['createIncident', 'groupingConfiguration']);
  const createIncident = incident ? r.boolean(incident, 'createIncident', 'incidentConfiguration.createIncident', true) : true;
  const gp = 'incidentConfiguration.groupingConfiguration';
  const g = incident
    ? r.object(incident, 'groupingConfiguration', gp, [
        'enabled',
        'reopenClosedIncident',
        'lookbackDuration',
        'matchingMethod',
        'groupByEntities',
        'groupByAlertDetails',
        'groupByCustomDetails',
      ])
    : undefined;
  const entityTypes = Object.keys(ENTITY_TYPES);
  const groupingConfig: AnalyticRule['grouping'] = {
    enabled: g ? r.boolean(g, 'enabled', `${gp}.enabled`, false) : false,
    reopenClosedIncident: g ? r.boolean(g, 'reopenClosedIncident', `${gp}.reopenClosedIncident`, false) : false,
    lookbackMs: (g ? r.duration(g, 'lookbackDuration', `${gp}.lookbackDuration`, 5 * 3_600_000) : undefined) ?? 5 * 3_600_000,
    matchingMethod: (g ? r.oneOf<MatchingMethod>(g, 'matchingMethod', `${gp}.matchingMethod`, MATCHING_METHODS, 'AllEntities') : undefined) ?? 'AllEntities',
    groupByEntities: g ? r.stringList(g, 'groupByEntities', `${gp}.groupByEntities`, (v) => (entityTypes.includes(v) ? undefined : `'${v}' is not an entity type (${entityTypes.join(', ')})`)) : [],
    groupByAlertDetails: g
      ? r.stringList(g, 'groupByAlertDetails', `${gp}.groupByAlertDetails`, (v) => (['DisplayName', 'Severity'].includes(v) ? undefined : `'${v}' is not one of DisplayName, Severity`))
      : [],
    groupByCustomDetails: g
      ? r.stringList(g, 'groupByCustomDetails', `${gp}.groupByCustomDetails`, (v) => (v in customDetails ? undefined : `'${v}' is not a key of customDetails`))
      : [],
  };

  const suppressionEnabled = r.boolean(d, 'suppressionEnabled', 'suppressionEnabled', false);
  const suppressionDurationMs = r.duration(d, 'suppressionDuration', 'suppressionDuration', 5 * 3_600_000) ?? 5 * 3_600_000;
  const tactics = r.stringList(d, 'tactics', 'tactics', (v) => (TACTICS.includes(v) ? undefined : `'${v}' is not a tactic (${TACTICS.join(', ')})`));
  const techniques = r.stringList(d, 'relevantTechniques', 'relevantTechniques', (v) => (TECHNIQUE.test(v) ? undefined : `'${v}' is not a technique id (T1234 or T1234.001)`));
  const enabled = r.boolean(d, 'enabled', 'enabled', true);

  if (r.problems.length || !id || !name || !severity || !query || frequency === undefined || period === undefined) {
    return { problems: r.problems };
  }
  return {
    problems: [],
    rule: {
      id,
      name,
      description: description.trim(),
      severity,
      kind,
      query,
      queryFrequencyMs: nrt ? NRT_FREQUENCY_MS : frequency,
      queryPeriodMs: period,
      triggerOperator,
      triggerThreshold,
      aggregationKind,
      entityMappings,
      customDetails,
      alertDetailsOverride,
      createIncident,
      grouping: groupingConfig,
      suppressionEnabled,
      suppressionDurationMs,
      tactics,
      techniques,
      enabled,
      source: file,
    },
  };
}

function readEntityMappings(r: RuleReader, value: unknown): EntityMapping[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    r.problem('entityMappings', 'must be a list');
    return [];
  }
  if (value.length > MAX_ENTITY_MAPPINGS) r.problem('entityMappings', `has ${value.length} mappings; at most ${MAX_ENTITY_MAPPINGS} are allowed`);
  const out: EntityMapping[] = [];
  value.forEach((item, i) => {
    const path = `entityMappings[${i}]`;
    const o = r.object({ item }, 'item', path, ['entityType', 'fieldMappings']);
    if (!o) return r.problem(path, 'must be a mapping with entityType and fieldMappings');
    const entityType = r.oneOf(o, 'entityType', `${path}.entityType`, Object.keys(ENTITY_TYPES), undefined);
    const fields = o.fieldMappings;
    if (!Array.isArray(fields) || fields.length === 0) return r.problem(`${path}.fieldMappings`, 'must be a non-empty list');
    if (fields.length > 3) r.problem(`${path}.fieldMappings`, `has ${fields.length} identifiers; at most 3 are allowed`);
    const fieldMappings: EntityMapping['fieldMappings'] = [];
    fields.forEach((field, j) => {
      const fp = `${path}.fieldMappings[${j}]`;
      const f = r.object({ field }, 'field', fp, ['identifier', 'columnName']);
      if (!f) return r.problem(fp, 'must be a mapping with identifier and columnName');
      const identifiers = entityType ? ENTITY_TYPES[entityType]!.identifiers : [];
      const identifier = entityType ? r.oneOf(f, 'identifier', `${fp}.identifier`, identifiers, undefined) : undefined;
      const columnName = r.string(f, 'columnName', `${fp}.columnName`, true);
      if (identifier && columnName) fieldMappings.push({ identifier, columnName });
    });
    if (entityType) out.push({ entityType, fieldMappings });
  });
  return out;
}

function readCustomDetails(r: RuleReader, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    r.problem('customDetails', 'must be a mapping of detail name → column');
    return {};
  }
  const entries = Object.entries(value as Doc);
  if (entries.length > MAX_CUSTOM_DETAILS) r.problem('customDetails', `has ${entries.length} details; at most ${MAX_CUSTOM_DETAILS} are allowed`);
  const out: Record<string, string> = {};
  for (const [key, column] of entries) {
    if (!CUSTOM_DETAIL_KEY.test(key)) r.problem(`customDetails.${key}`, 'the name must be 1–20 letters, digits or underscores');
    else if (typeof column !== 'string' || column === '') r.problem(`customDetails.${key}`, 'must name a result column');
    else out[key] = column;
  }
  return out;
}

/** Parses one rule file's text (YAML). */
export function parseRuleText(text: string, file: string): { rule?: AnalyticRule; problems: RuleProblem[] } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    return { problems: doc.errors.map((e) => ({ file, key: '(file)', reason: `not valid YAML: ${e.message.split('\n')[0]}` })) };
  }
  return parseRule(doc.toJS(), file);
}

/** Rule files under `paths` (files, or folders searched recursively for .yaml/.yml), sorted. */
export function ruleFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (path: string, explicit: boolean) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new RuleLoadError([{ file: path, key: '(file)', reason: 'no such file or folder' }]);
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) walk(join(path, entry), false);
    } else if (explicit || /\.ya?ml$/i.test(path)) out.push(path);
  };
  for (const p of paths) walk(p, true);
  return out;
}

/** Loads every rule under `paths`; throws RuleLoadError with all problems (and duplicate ids) if any. */
export function loadRuleFiles(paths: readonly string[]): AnalyticRule[] {
  const rules: AnalyticRule[] = [];
  const problems: RuleProblem[] = [];
  const seen = new Map<string, string>();
  for (const file of ruleFiles(paths)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      problems.push({ file, key: '(file)', reason: `cannot be read: ${(err as Error).message}` });
      continue;
    }
    const result = parseRuleText(text, file);
    problems.push(...result.problems);
    if (!result.rule) continue;
    const key = result.rule.id.toLowerCase();
    const other = seen.get(key);
    if (other) {
      problems.push({ file, key: 'id', reason: `'${result.rule.id}' is also the id of the rule in ${other}` });
      continue;
    }
    seen.set(key, file);
    rules.push(result.rule);
  }
  if (problems.length) throw new RuleLoadError(problems);
  return rules;
}
