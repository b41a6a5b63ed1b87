// Deliberately malformed Darktrace alerts, posted to the connector's push receiver as Darktrace's
// HTTPS (JSON) integration would: the connector must dead-letter them and keep delivering the rest.
import type { MalformedKind } from '../scenario/types.ts';

export function malformedAlert(kind: MalformedKind, i: number, seed: number): unknown {
  switch (kind) {
    case 'not-an-object':
      return i % 2 ? `not an alert ${seed}-${i}` : i;
    case 'missing-dtProduct':
      // Neither a dtProduct marker nor the shape of any of the four alert types.
      return { id: `${seed}-${i}`, note: 'no dtProduct and no recognisable shape' };
    case 'unknown-dtProduct':
      return { dtProduct: 'Model Breach Summary', id: `${seed}-${i}` };
    case 'bad-types':
      // A model breach whose pbid and time are not numbers.
      return { pbid: `pbid-${seed}-${i}`, time: 'yesterday', model: { name: 42 }, device: 'nowhere' };
  }
}

/** Posts `count` malformed alerts in one body; resolves to the receiver's status code. */
export async function pushMalformed(receiverUrl: string, token: string, kind: MalformedKind, count: number, seed: number): Promise<number> {
  const body = JSON.stringify(Array.from({ length: count }, (_, i) => malformedAlert(kind, i, seed)));
  const res = await fetch(receiverUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}
