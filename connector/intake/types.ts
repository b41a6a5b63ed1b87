import type { AlertType } from '../config/types.ts';

import type { PushRecord } from '../spool/record-format.ts';

export type { PushRecord };

export interface MappedAlert {
  type: AlertType;
  /** Stable identity of the source alert (dedupe and tracing): `pb:<pbid>`, `aia:<id>`, `sys:<uuid>:<t>`, `email:<uuid>`. */
  key: string;
  record: PushRecord;
  /** Epoch ms of the alert, for the time-generated field. */
  timeMs: number;
  /** Facts the filters look at. */
  score: number;
  modelName?: string;
  groupScore?: number;
}

export interface MappingContext {
  /** Base URL of the Darktrace UI for links (no trailing slash). */
  linkBase: string;
  modelNameSeparator: '::' | ' / ';
  breachTimeField: 'time' | 'creationTime';
}

/** A source alert that cannot be mapped: it is dead-lettered with this reason, the others go on. */
export class MalformedAlertError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedAlertError';
  }
}
