// How deeply a parsed JSON value nests, measured without recursion: a value nested thousands of levels
// deep parses fine but overflows the stack of every recursive step after it (JSON.stringify while
// typing, DuckDB's JSON conversion), so the ingestion routes refuse it up front with their own 400.

/** The mock's default limit: 64 levels, the default MaxDepth of .NET's JSON readers (Json.NET 13, System.Text.Json). */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/**
 * Whether `value` nests deeper than `limit` levels. Every object or array is one level: `{}` is 1,
 * `[{"a":[1]}]` is 3; scalars are 0. Stops at the first path past the limit.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: { value: object; depth: number }[] = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: container, depth } = stack.pop()!;
    if (depth > limit) return true;
    const children = Array.isArray(container) ? container : Object.values(container);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push({ value: child as object, depth: depth + 1 });
    }
  }
  return false;
}
