// Splits a streamed top-level JSON array into its elements' bytes as chunks arrive, so a poll
// response is never held whole: each element is parsed and kept or dropped on its own. Works on
// UTF-8 bytes: every structural character is ASCII, and no byte of a multi-byte sequence is < 0x80.

const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c;
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

export class JsonArrayError extends Error {}

export class JsonArrayStream {
  private state: 'before' | 'between' | 'element' | 'after' = 'before';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: Buffer[] = [];

  /** `onElement` gets each element's bytes (trailing whitespace possible). */
  constructor(private readonly onElement: (bytes: Buffer) => void) {}

  /** True once the first non-space byte is known not to open an array (the caller buffers instead). */
  notAnArray = false;

  write(chunk: Buffer): void {
    let start = -1; // where the current element starts in this chunk
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      switch (this.state) {
        case 'before':
          if (isSpace(b)) continue;
          if (b !== OPEN_BRACKET) {
            this.notAnArray = true;
            return;
          }
          this.state = 'between';
          continue;
        case 'between':
          if (isSpace(b) || b === COMMA) continue; // lenient about stray commas, as for whitespace
          if (b === CLOSE_BRACKET) {
            this.state = 'after';
            continue;
          }
          this.state = 'element';
          start = i;
          this.depth = 0;
          this.inString = false;
          i--; // examine this byte as part of the element
          continue;
        case 'element': {
          if (start < 0) start = i;
          if (this.inString) {
            if (this.escaped) this.escaped = false;
            else if (b === BACKSLASH) this.escaped = true;
            else if (b === QUOTE) this.inString = false;
            continue;
          }
          if (b === QUOTE) this.inString = true;
          else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.depth++;
          else if (b === CLOSE_BRACE || (b === CLOSE_BRACKET && this.depth > 0)) this.depth--;
          else if (this.depth === 0 && (b === COMMA || b === CLOSE_BRACKET)) {
            this.parts.push(chunk.subarray(start, i));
            this.emit();
            start = -1;
            this.state = b === COMMA ? 'between' : 'after';
          }
          continue;
        }
        case 'after':
          if (!isSpace(b)) throw new JsonArrayError('unexpected bytes after the end of the array');
      }
    }
    // Copied: the chunk's memory is not retained beyond this element.
    if (this.state === 'element' && start >= 0) this.parts.push(Buffer.from(chunk.subarray(start)));
  }

  /** Throws unless the array was complete. */
  end(): void {
    if (this.state !== 'after') throw new JsonArrayError('the array is not terminated');
  }

  private emit(): void {
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    this.onElement(bytes);
  }
}
