// Which strings count as GUIDs and ISO-8601 date-times (azure-ingestion.md A6, A10; sentinel-table.md §2.3).

const GUID_DASHED = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const GUID_PLAIN = /^[0-9a-fA-F]{32}$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEAN = /^(?:true|false)$/i;

/** The dashed, lower-case form of a GUID-shaped string, or undefined. */
export function asGuid(value: string): string | undefined {
  if (value.length !== 36 && value.length !== 32) return undefined;
  if (GUID_DASHED.test(value)) return value.toLowerCase();
  if (GUID_PLAIN.test(value)) {
    const h = value.toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return undefined;
}

/**
 * `YYYY-MM-DDThh:mm:ss[.fraction][Z|±hh:mm]` → the same instant as an ISO string with a zone (no zone
 * means UTC), or undefined. Date-only, space-separated, epoch and prose dates are not date-times.
 */
export function asIsoDatetime(value: string): string | undefined {
  if (value.length < 19 || value.charCodeAt(10) !== 84 /* T */ || value.charCodeAt(4) !== 45 /* - */) return undefined;
  const m = ISO_DATETIME.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, , zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (new Date(Date.UTC(Number(y), month - 1, day)).getUTCDate() !== day) return undefined;
  const withZone = zone ? value : `${value}Z`;
  return Number.isFinite(Date.parse(withZone)) ? withZone : undefined;
}

export function isNumericString(value: string): boolean {
  return NUMERIC.test(value);
}

export function isBooleanString(value: string): boolean {
  return BOOLEAN.test(value);
}

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(value: string, maxBytes: number): { value: string; truncated: boolean } {
  if (value.length * 3 <= maxBytes || Buffer.byteLength(value, 'utf8') <= maxBytes) return { value, truncated: false };
  const bytes = Buffer.from(value, 'utf8');
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { value: bytes.subarray(0, end).toString('utf8'), truncated: true };
}
