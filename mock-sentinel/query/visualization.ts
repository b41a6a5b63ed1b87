// The `render` operator and the `render` member of a Query API answer (`Prefer: include-render=true`).
// `render` changes no row: Kusto records what it says as the result's "Visualization" annotation,
// and Log Analytics sends that annotation as `render`, in the camelCase shape Microsoft's query SDKs
// document (visualization, title, accumulate, isQuerySorted, kind, legend, series, yMin, yMax, xAxis,
// xColumn, xTitle, yAxis, yColumns, ySplit, yTitle, anomalyColumns). A query without `render` gets the
// same object with no visualization, as Kusto's annotation is present on every result.
// Which properties and values are valid is the analyser's business (it knows Kusto's lists); what it
// lets through and the lab cannot describe faithfully is refused, with its position.
import { semanticError, unsupported } from './errors.ts';
import { elements, kindOf, type KNode } from './parser.ts';

export interface RenderDescription {
  visualization: string | null;
  title: string | null;
  accumulate: boolean;
  isQuerySorted: boolean;
  kind: string | null;
  legend: string | null;
  series: string[] | null;
  /** "NaN" when the query sets none, as Kusto writes an unset bound. */
  yMin: number | 'NaN';
  yMax: number | 'NaN';
  xAxis: string | null;
  xColumn: string | null;
  xTitle: string | null;
  yAxis: string | null;
  yColumns: string[] | null;
  ySplit: string | null;
  yTitle: string | null;
  anomalyColumns: string[] | null;
}

/** The description of a result that no `render` describes. */
export function noRender(isQuerySorted: boolean): RenderDescription {
  return {
    visualization: null,
    title: null,
    accumulate: false,
    isQuerySorted,
    kind: null,
    legend: null,
    series: null,
    yMin: 'NaN',
    yMax: 'NaN',
    xAxis: null,
    xColumn: null,
    xTitle: null,
    yAxis: null,
    yColumns: null,
    ySplit: null,
    yTitle: null,
    anomalyColumns: null,
  };
}

type Property = 'title' | 'xTitle' | 'yTitle' | 'kind' | 'legend' | 'xAxis' | 'yAxis' | 'ySplit' | 'xColumn' | 'series' | 'yColumns' | 'anomalyColumns' | 'yMin' | 'yMax' | 'accumulate';

/** The analyser's property names (lower-case, as Kusto spells them) → the member they set. */
const PROPERTIES: Record<string, Property> = {
  title: 'title',
  xtitle: 'xTitle',
  ytitle: 'yTitle',
  kind: 'kind',
  legend: 'legend',
  xaxis: 'xAxis',
  yaxis: 'yAxis',
  ysplit: 'ySplit',
  xcolumn: 'xColumn',
  series: 'series',
  ycolumns: 'yColumns',
  anomalycolumns: 'anomalyColumns',
  ymin: 'yMin',
  ymax: 'yMax',
  accumulate: 'accumulate',
};

export const RENDER_NOT_LAST = "The 'render' operator must be the last operator of the query";

/** `render` anywhere but at the end of the query: refused as Kusto refuses it. */
export function renderNotLast(text: string, op: KNode): never {
  throw semanticError(text, op.TextStart, RENDER_NOT_LAST);
}

/** The description of a `render` operator the analyser accepted, for a result sorted or not. */
export function describeRender(text: string, op: KNode, isQuerySorted: boolean): RenderDescription {
  const out = noRender(isQuerySorted);
  out.visualization = String(op.ChartType.Text);
  // `with (p=v, …)`, or the older form without `with` (`render barchart title='…' kind=stacked`).
  const params = op.WithClause ? elements(op.WithClause.Properties) : elements(op.Parameters);
  for (const p of params) {
    const name = String(p.Name.SimpleName).toLowerCase();
    const member = PROPERTIES[name];
    // The deprecated `by …` and `with "…"` forms, and `xmin`/`xmax`, have no member in the API's shape.
    if (!member) throw unsupported(text, p.TextStart, `The render property '${p.Name.SimpleName}'`);
    const value = p.Expression;
    switch (member) {
      case 'title':
      case 'xTitle':
      case 'yTitle':
        out[member] = stringLiteral(text, value, name);
        break;
      case 'kind':
      case 'legend':
      case 'xAxis':
      case 'yAxis':
      case 'ySplit':
        out[member] = String(value.Token.Text);
        break;
      case 'xColumn':
        out.xColumn = String(value.SimpleName);
        break;
      case 'series':
      case 'yColumns':
      case 'anomalyColumns':
        out[member] = columnList(value);
        break;
      case 'yMin':
      case 'yMax':
        out[member] = numberLiteral(text, value, name);
        break;
      case 'accumulate':
        out.accumulate = String(value.ToString()).trim().toLowerCase() === 'true';
        break;
    }
  }
  return out;
}

function stringLiteral(text: string, node: KNode, name: string): string {
  if (kindOf(node) !== 'StringLiteralExpression') throw unsupported(text, node.TextStart, `A ${name} that is not a string literal`);
  return String(node.LiteralValue);
}

function numberLiteral(text: string, node: KNode, name: string): number {
  const value = Number(String(node.ToString()).trim());
  if (!Number.isFinite(value)) throw unsupported(text, node.TextStart, `This ${name} value`);
  return value;
}

/** `a, b` (the analyser's NameReferenceList) or a single name. */
function columnList(node: KNode): string[] {
  if (kindOf(node) === 'NameReferenceList') return elements(node.Names).map((n: KNode) => String(n.SimpleName));
  return [String(node.SimpleName)];
}
