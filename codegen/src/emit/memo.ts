const memos = new Set<ContentMemo<unknown>>();

/**
 * Forgets everything the emitters remember between runs, so that the next run
 * compiles and formats every declaration again (benchmarks of a full run).
 */
export function forgetEmitMemos(): void {
  for (const memo of memos) memo.clear();
}

/**
 * A bounded memo (least recently used evicted first) for emitter work keyed by
 * content: the same key always stands for the same output, so a hit is as good
 * as recomputing. `--watch` keeps one process alive, and an edit to one schema
 * then recompiles and reformats only the declarations whose text changed.
 *
 * A rejected promise is dropped, so a failure is not remembered.
 *
 * @example
 * ```ts
 * const formatted = new ContentMemo<Promise<string>>(1000);
 * const text = await formatted.get(source, () => format(source));
 * ```
 */
export class ContentMemo<V> {
  readonly #entries = new Map<string, V>();

  constructor(readonly capacity: number) {
    memos.add(this);
  }

  /** The remembered value for `key`, or `compute()` remembered under it. */
  get(key: string, compute: () => V): V {
    const entries = this.#entries;
    if (entries.has(key)) {
      const value = entries.get(key) as V;
      entries.delete(key);
      entries.set(key, value);
      return value;
    }
    const value = compute();
    entries.set(key, value);
    if (value instanceof Promise) {
      value.catch(() => {
        if (entries.get(key) === value) entries.delete(key);
      });
    }
    while (entries.size > this.capacity) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
    return value;
  }

  /** Whether `key` is remembered (does not count as a use). */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** How many entries are remembered. */
  get size(): number {
    return this.#entries.size;
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }
}
