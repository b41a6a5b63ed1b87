// Limits on what one pushed body may cause, checked on its bytes before it is parsed: nesting
// depth (a body nested thousands of levels deep parses, but every later JSON.stringify of it —
// mapping, the spool, the dead-letter file — throws RangeError) and the number of alerts (each
// costs mapping work and memory). One iterative pass, no recursion, stops at the first limit hit.

export type BodyShape =
  | { ok: true; alerts: number }
  | { ok: false; limit: 'depth' | 'alerts'; alerts: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;

/**
 * The nesting depth and the number of top-level items (array elements, or 1 for any other value)
 * of a JSON text, as far as needed to tell whether it is within `maxDepth` and `maxAlerts`. A text
 * that is not JSON gets some answer; JSON.parse then refuses it.
 */
export function checkBodyShape(body: Buffer, maxDepth: number, maxAlerts: number): BodyShape {
  let depth = 0;
  let inString = false;
  let topIsArray = false;
  let commas = 0;
  let sawItem = false; // a value inside the top-level array
  let sawValue = false; // anything outside whitespace
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (!sawValue) {
      sawValue = true;
      topIsArray = c === OPEN_ARRAY;
    }
    if (depth === 1 && topIsArray && c !== CLOSE_ARRAY) sawItem = true;
    if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth) return { ok: false, limit: 'depth', alerts: topIsArray ? commas + 1 : 1 };
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
    else if (c === COMMA && depth === 1 && topIsArray && ++commas + 1 > maxAlerts) {
      return { ok: false, limit: 'alerts', alerts: commas + 1 };
    }
  }
  const alerts = topIsArray ? (sawItem ? commas + 1 : 0) : 1;
  return alerts > maxAlerts ? { ok: false, limit: 'alerts', alerts } : { ok: true, alerts };
}
