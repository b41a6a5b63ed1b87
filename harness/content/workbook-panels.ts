// The query panels of an Azure Monitor workbook (the JSON the Sentinel solutions ship), with their
// parameters filled in as the workbook would on opening: the time range, text and dropdown
// parameters at their default values, and a parameter another panel exports (a row the user would
// click) from that panel's first row, once it has run.
export interface WorkbookPanel {
  /** `file: title` (or the item's name when it has no title). */
  name: string;
  /** The query as written, `{Param}` placeholders and all. */
  query: string;
  /** The parameter this panel exports (exportParameterName) and the column it comes from. */
  exports?: { parameter: string; field: string };
}

export interface WorkbookParameters {
  /** name → value, from the workbook's parameter items (time range parameters excluded). */
  values: Map<string, string>;
  /** Names of time-range parameters (`{T:start}`, `{T:end}`, `{T:grain}`, `{T}`). */
  timeRanges: Set<string>;
}

interface Node {
  [key: string]: unknown;
}

export function workbookPanels(doc: unknown, file: string): { panels: WorkbookPanel[]; parameters: WorkbookParameters } {
  const panels: WorkbookPanel[] = [];
  const parameters: WorkbookParameters = { values: new Map(), timeRanges: new Set() };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    const node = value as Node;
    const content = node.content as Node | undefined;
    if (content && content.version === 'KqlItem/1.0' && typeof content.query === 'string') {
      const panel: WorkbookPanel = { name: `${file}: ${String(content.title ?? node.name ?? 'untitled')}`.trim(), query: content.query };
      if (typeof content.exportParameterName === 'string' && typeof content.exportFieldName === 'string') {
        panel.exports = { parameter: content.exportParameterName, field: content.exportFieldName };
      }
      panels.push(panel);
    }
    if (content && content.version === 'KqlParameterItem/1.0' && Array.isArray(content.parameters)) {
      for (const p of content.parameters as Node[]) {
        if (typeof p.name !== 'string') continue;
        if (p.type === 4) parameters.timeRanges.add(p.name);
        else if (typeof p.value === 'string') parameters.values.set(p.name, p.value);
      }
    }
    for (const key of Object.keys(node)) visit(node[key]);
  };
  visit(doc);
  return { panels, parameters };
}

/**
 * Fills a panel's `{Param}` placeholders: time ranges from `range`, the rest from `values`; a
 * placeholder with no value is left as it is (the query then fails and says so).
 */
export function fillParameters(query: string, parameters: WorkbookParameters, values: Map<string, string>, range: { start: Date; grain: string }): string {
  return query.replace(/\{([A-Za-z_][\w]*)(?::([A-Za-z]+))?\}/g, (whole, name: string, part: string | undefined) => {
    if (parameters.timeRanges.has(name)) {
      if (part === 'start' || part === undefined) return `datetime(${range.start.toISOString()})`;
      if (part === 'end') return 'now()';
      if (part === 'grain') return range.grain;
      return whole;
    }
    const v = values.get(name);
    return v === undefined ? whole : v;
  });
}
