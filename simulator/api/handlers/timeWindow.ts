// Time-window parameters shared by the endpoints: starttime/endtime (epoch ms) or from/to
// (date strings), which come in pairs.
import { inputError } from '../errors/errors.ts';
import type { Params } from '../params.ts';

export interface Window {
  start?: number;
  end?: number;
}

export function readWindow(p: Params, secondsHeuristic: boolean): Window {
  const start = p.epoch('starttime', secondsHeuristic) ?? p.dateString('from');
  const end = p.epoch('endtime', secondsHeuristic) ?? p.dateString('to');
  if (start !== undefined && end !== undefined && end < start) throw inputError('endtime must not be earlier than starttime');
  return { start, end };
}
