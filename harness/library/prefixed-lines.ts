// A log destination that hands each complete line to a callback with its source's name, so the
// three services' logs can share one stream, each line prefixed (dtlab up).

export type LabSource = 'sentinel' | 'darktrace' | 'connector';
export type LabLog = (source: LabSource, line: string) => void;

/** A pino-compatible destination: buffers partial writes and emits whole lines. */
export function prefixedLines(source: LabSource, log: LabLog): { write(chunk: string): boolean } {
  let partial = '';
  return {
    write(chunk: string) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line) log(source, line);
      return true;
    },
  };
}
