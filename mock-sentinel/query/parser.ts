// Microsoft's own KQL parser and semantic analyser (@kusto/language-service-next), loaded once.
// The package is a Bridge.NET build: two scripts that install the globals `Bridge` and `Kusto`.
// Its objects are untyped from TypeScript's point of view, so they travel as `KNode`.
import { createRequire } from 'node:module';
import type { KustoType } from './types.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type KNode = any;

let kusto: any;
let kindNames: Record<number, string> = {};

function lib(): any {
  if (!kusto) {
    const require = createRequire(import.meta.url);
    require('@kusto/language-service-next/bridge.min.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
    kusto = (globalThis as any).Kusto.Language;
    const kinds = kusto.Syntax.SyntaxKind;
    kindNames = {};
    for (const key of Object.keys(kinds)) if (typeof kinds[key] === 'number') kindNames[kinds[key]] = key;
  }
  return kusto;
}

export interface TableSchema {
  name: string;
  columns: { name: string; type: KustoType }[];
}

const globalsCache = new Map<string, any>();

/** The analyser's view of the workspace: one database holding the tables of the store. */
function globalsFor(tables: TableSchema[]): any {
  const K = lib();
  const key = JSON.stringify(tables);
  let globals = globalsCache.get(key);
  if (!globals) {
    const symbols = tables.map(
      (t) =>
        new K.Symbols.TableSymbol.$ctor7(
          t.name,
          `(${t.columns.map((c) => `['${c.name.replace(/'/g, "\\'")}']:${c.type}`).join(', ')})`,
          null,
        ),
    );
    globals = K.GlobalState.Default.WithDatabase(new K.Symbols.DatabaseSymbol.ctor('workspace', symbols));
    if (globalsCache.size > 32) globalsCache.clear();
    globalsCache.set(key, globals);
  }
  return globals;
}

export interface Diagnostic {
  message: string;
  code: string;
  start: number;
  length: number;
}

export interface Analysis {
  root: KNode;
  syntaxErrors: Diagnostic[];
  semanticErrors: Diagnostic[];
}

function errorsOf(list: any): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    if (d.Severity !== 'Error') continue;
    out.push({ message: d.Message, code: d.Code, start: d.Start, length: d.Length });
  }
  return out;
}

/**
 * Diagnostics of the language service that Log Analytics' engine does not raise, for constructs
 * shipped Sentinel content relies on: `count(Column)` over a non-bool column (the Darktrace
 * workbook's `summarize count(NetworkRuleName) by …`; the service wants a bool, the engine counts),
 * and a string operator over a guid column (the legacy Darktrace workbook's
 * `where externalId_g contains "{SelectedAIAGroup}"`; the lab compares the guid's text, as
 * `tostring()` writes it — a lab choice, docs/reference/query.md).
 */
function engineAccepts(text: string, d: Diagnostic): boolean {
  if (d.code === 'KS107') return /\bcount\s*\(\s*$/.test(text.slice(0, d.start));
  return d.code === 'KS106' && GUID_STRING_OPERATOR.test(d.message);
}

const GUID_STRING_OPERATOR = /^The operator '!?(?:contains|has|startswith|endswith|hasprefix|hassuffix)(?:_cs)?' is not defined for the operand types (?:guid and string|string and guid)\.$/;

/** Parses and binds `text` against `tables`; returns the bound syntax tree and its error diagnostics. */
export function analyze(text: string, tables: TableSchema[]): Analysis {
  const K = lib();
  const code = K.KustoCode.ParseAndAnalyze(text, globalsFor(tables));
  const syntaxErrors = errorsOf(code.GetSyntaxDiagnostics());
  const all = errorsOf(code.GetDiagnostics());
  const semanticErrors = all.filter((d) => !syntaxErrors.some((s) => s.code === d.code && s.start === d.start) && !engineAccepts(text, d));
  return { root: code.Syntax, syntaxErrors, semanticErrors };
}

/** The SyntaxKind name of a node (`FilterOperator`, `HasExpression`, …). */
export function kindOf(node: KNode): string {
  lib();
  return kindNames[node.Kind] ?? `Kind${node.Kind}`;
}

/** Elements of a `SyntaxList<SeparatedElement<T>>` (or a plain SyntaxList). */
export function elements(list: KNode): KNode[] {
  const out: KNode[] = [];
  if (!list) return out;
  for (let i = 0; i < list.Count; i++) {
    const item = list.getItem(i);
    out.push(item && item.Element !== undefined ? item.Element : item);
  }
  return out;
}

/** The Kusto scalar type name of an expression's result (`dynamic(array)` and friends → `dynamic`). */
export function scalarType(node: KNode): string {
  const t = node?.ResultType;
  if (!t) return 'unknown';
  const name: string = t.Name ?? 'unknown';
  return name.startsWith('dynamic') ? 'dynamic' : name;
}

/** Columns of a tabular result type, as the analyser computed them. */
export function tableColumns(node: KNode): { name: string; type: string }[] | undefined {
  const t = node?.ResultType;
  if (!t || !t.Columns) return undefined;
  const out: { name: string; type: string }[] = [];
  for (let i = 0; i < t.Columns.Count; i++) {
    const c = t.Columns.getItem(i);
    const name: string = c.Type?.Name ?? 'unknown';
    out.push({ name: c.Name, type: name.startsWith('dynamic') ? 'dynamic' : name });
  }
  return out;
}

/** Kind of the symbol a name refers to: `Column`, `Table`, `Variable`, `Function`, … */
export function symbolKind(node: KNode): string | undefined {
  const sym = node?.ReferencedSymbol;
  if (!sym) return undefined;
  const name: string = sym.constructor?.$$name ?? '';
  return name.replace('Kusto.Language.Symbols.', '').replace(/Symbol$/, '');
}

/** Warm the parser up (the first analysis JIT-compiles a lot of Bridge code). */
export function warmUp(): void {
  analyze('T | where a == 1 | summarize count() by b', [{ name: 'T', columns: [{ name: 'a', type: 'long' }, { name: 'b', type: 'string' }] }]);
}
