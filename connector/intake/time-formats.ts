// The time strings the Sentinel content expects (sentinel-table.md §2.4): deliberately not ISO,
// except the email `timestamp` and the time-generated field.
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `2019-08-02 15:52:02` (UTC). */
export function breachTimeString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function ordinalSuffix(day: number): string {
  if (day % 100 >= 11 && day % 100 <= 13) return 'th';
  switch (day % 10) {
    case 1: return 'st';
    case 2: return 'nd';
    case 3: return 'rd';
    default: return 'th';
  }
}

/** `Jul 22nd 2020 01:16:33 UTC`. */
export function proseTimeString(ms: number): string {
  const d = new Date(ms);
  const day = d.getUTCDate();
  return `${MONTHS[d.getUTCMonth()]} ${day}${ordinalSuffix(day)} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** `2020-12-15T04:47:29.936`: ISO with milliseconds and no zone, as the email push sends it. */
export function emailTimestampString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}

/** ISO-8601 UTC with milliseconds, for `time-generated-field`. */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}
