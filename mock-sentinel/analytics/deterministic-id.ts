// Ids of alerts and incidents derived from what raised them, so one seed and one clock give the same
// ids run after run (a real workspace draws random GUIDs).
import { createHash } from 'node:crypto';

/** A GUID (version-4 layout) from the SHA-256 of `parts`. */
export function deterministicGuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
