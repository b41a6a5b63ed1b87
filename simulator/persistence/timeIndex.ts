// A time-sorted array with binary-search range queries. Inserts land near the end (alerts arrive
// roughly in time order), so the splice is cheap; a window query is two searches and a slice.

export interface Stored<T> {
  alert: T;
  /** Sort key, epoch ms. */
  key: number;
  /** Generation order (ties in `key` keep it). */
  seq: number;
  /** Serialised API views of this alert, keyed by view options; dropped when the alert changes. */
  views?: Map<string, string>;
}

export class TimeIndex<T> {
  readonly items: Stored<T>[] = [];

  insert(record: Stored<T>): void {
    const items = this.items;
    let i = items.length;
    while (i > 0 && items[i - 1]!.key > record.key) i--;
    if (i === items.length) items.push(record);
    else items.splice(i, 0, record);
  }

  /** First index whose key is >= `key`. */
  lowerBound(key: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.key < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose key is > `key`. */
  upperBound(key: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.key <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Records with from <= key <= to, in key order. */
  range(from: number, to: number): Stored<T>[] {
    if (to < from) return [];
    return this.items.slice(this.lowerBound(from), this.upperBound(to));
  }

  get length(): number {
    return this.items.length;
  }

  first(): Stored<T> | undefined {
    return this.items[0];
  }
}
