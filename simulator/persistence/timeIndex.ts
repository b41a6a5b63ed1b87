// A time-sorted array with binary-search range queries. Inserts go to a small unsorted tail that
// is sorted and merged into the main array on the next read, so generation never pays for
// out-of-order arrivals (breach `time` trails creation by up to half an hour) one by one.

export interface Stored<T> {
  alert: T;
  /** Sort key, epoch ms. */
  key: number;
  /** Generation order (ties in `key` keep it). */
  seq: number;
  /** Serialised (UTF-8 JSON) API views of this alert, keyed by view options; dropped when the alert changes. */
  views?: Map<string, Buffer>;
}

export class TimeIndex<T> {
  private sorted: Stored<T>[] = [];
  private tail: Stored<T>[] = [];
  private readonly byKey: (a: Stored<T>, b: Stored<T>) => number;

  /** `keyOf` picks the sort key (default the record's `key`), so one record can sit in two indexes. */
  constructor(private readonly keyOf: (r: Stored<T>) => number = (r) => r.key) {
    this.byKey = (a, b) => keyOf(a) - keyOf(b) || a.seq - b.seq;
  }

  insert(record: Stored<T>): void {
    this.tail.push(record);
  }

  /** All records in key order. */
  get items(): Stored<T>[] {
    this.flush();
    return this.sorted;
  }

  private flush(): void {
    const tail = this.tail;
    if (tail.length === 0) return;
    this.tail = [];
    tail.sort(this.byKey);
    const byKey = this.byKey;
    const main = this.sorted;
    const last = main[main.length - 1];
    if (!last || byKey(last, tail[0]!) <= 0) {
      for (const r of tail) main.push(r);
      return;
    }
    // Merge the tail with the suffix of main it overlaps (bounded by the largest delay).
    const from = this.upperBoundIn(main, this.keyOf(tail[0]!));
    const suffix = main.splice(from);
    let i = 0;
    let j = 0;
    while (i < suffix.length && j < tail.length) main.push(byKey(suffix[i]!, tail[j]!) <= 0 ? suffix[i++]! : tail[j++]!);
    while (i < suffix.length) main.push(suffix[i++]!);
    while (j < tail.length) main.push(tail[j++]!);
  }

  private upperBoundIn(list: Stored<T>[], key: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keyOf(list[mid]!) <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose key is >= `key`. */
  lowerBound(key: number): number {
    const items = this.items;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keyOf(items[mid]!) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose key is > `key`. */
  upperBound(key: number): number {
    return this.upperBoundIn(this.items, key);
  }

  /** Records with from <= key <= to, in key order. */
  range(from: number, to: number): Stored<T>[] {
    if (to < from) return [];
    return this.items.slice(this.lowerBound(from), this.upperBound(to));
  }

  /** Removes the records whose key is < `key` and returns them (retention). */
  dropBefore(key: number): Stored<T>[] {
    const n = this.lowerBound(key);
    return n === 0 ? [] : this.sorted.splice(0, n);
  }

  get length(): number {
    return this.sorted.length + this.tail.length;
  }

  first(): Stored<T> | undefined {
    return this.items[0];
  }

  /** Sort key of the earliest record. */
  firstKey(): number | undefined {
    const first = this.items[0];
    return first && this.keyOf(first);
  }
}
