// Scalar functions the Sentinel content over the Darktrace tables uses beyond the core set in
// scalar.ts: column_ifexists(), ingestion_time(), array_concat(). Each returns undefined for a
// name it does not know, so scalar.ts can refuse it with its position.
import { INGESTION_TIME_COLUMN } from '../persistence/workspaceStore.ts';
import { unsupported } from './errors.ts';
import { elements, scalarType, type KNode } from './parser.ts';
import type { Scalar } from './scalar.ts';
import { asKustoType, quoteIdent, type KustoType } from './types.ts';
import type { TranslateContext } from './context.ts';

export type ScalarTranslator = (ctx: TranslateContext, node: KNode) => Scalar;
type Convert = (s: Scalar, target: KustoType) => string;

export function contentFunction(ctx: TranslateContext, node: KNode, name: string, translate: ScalarTranslator, convert: Convert): Scalar | undefined {
  const argNodes: KNode[] = elements(node.ArgumentList.Expressions);
  const resultType = asKustoType(scalarType(node));
  switch (name) {
    case 'column_ifexists': {
      // The column of the operator's input when it has one by that name, else the default.
      const [nameNode, fallbackNode] = argNodes;
      const column = nameNode?.IsLiteral ? nameNode.LiteralValue : undefined;
      if (typeof column !== 'string') throw unsupported(ctx.text, nameNode?.TextStart ?? node.TextStart, 'column_ifexists() with a non-literal column name');
      const type = resultType ?? 'string';
      const existing = ctx.input?.cols.find((c) => c.name === column);
      if (existing) return { sql: convert({ sql: quoteIdent(existing.name), type: existing.type }, type), type };
      return { sql: convert(translate(ctx, fallbackNode), type), type };
    }
    case 'ingestion_time':
      // Rows read from a table keep their hidden ingestion time; elsewhere (after summarize, join…)
      // Kusto returns null.
      return { sql: ctx.input?.ingestion ? quoteIdent(INGESTION_TIME_COLUMN) : 'CAST(NULL AS TIMESTAMPTZ)', type: 'datetime' };
    case 'array_concat': {
      const arrays = argNodes.map((a) => translate(ctx, a));
      if (arrays.some((a) => a.type !== 'dynamic')) throw unsupported(ctx.text, node.TextStart, 'array_concat() of a non-dynamic value');
      // Kusto: null unless every argument is an array.
      const allArrays = arrays.map((a) => `json_type(${a.sql}) = 'ARRAY'`).join(' AND ');
      const items = arrays
        .map((a) => `CAST(CASE WHEN json_type(${a.sql}) = 'ARRAY' THEN ${a.sql} ELSE CAST('[]' AS JSON) END AS JSON[])`)
        .reduce((a, b) => `list_concat(${a}, ${b})`);
      return { sql: `(CASE WHEN ${allArrays} THEN CAST(to_json(${items}) AS JSON) END)`, type: 'dynamic' };
    }
    default:
      return undefined;
  }
}
