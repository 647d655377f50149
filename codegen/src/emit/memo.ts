const memos = new Set<ContentMemo<unknown>>();

/**
 * Forgets everything the emitters remember between runs, so that the next run
 * compiles and formats every declaration again (benchmarks of a full run).
 */
export function forgetEmitMemos(): void {
  for (const memo of memos) memo.clear();
}

/**
 * A bounded memo for emitter work keyed by content: the same key always stands for the same
 * output, so a hit is as good as recomputing. `--watch` keeps one process alive, and an edit to one
 * schema then recompiles and reformats only the declarations whose text changed.
 *
 * Bounded in two generations: entries used since the last turnover are kept, and once `capacity`
 * of them have been added the older generation is dropped. An entry used in every run therefore
 * always survives, and a hit costs one or two lookups (a least-recently-used list paid a delete and
 * an insert on every hit, thousands per run).
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
  #current = new Map<string, V>();
  #previous = new Map<string, V>();

  constructor(readonly capacity: number) {
    memos.add(this);
  }

  /** The remembered value for `key`, or `compute()` remembered under it. */
  get(key: string, compute: () => V): V {
    const current = this.#current;
    if (current.has(key)) return current.get(key) as V;
    const previous = this.#previous;
    const value = previous.has(key) ? (previous.get(key) as V) : compute();
    this.#add(key, value);
    if (value instanceof Promise) {
      value.catch(() => {
        if (this.#current.get(key) === value) this.#current.delete(key);
        if (this.#previous.get(key) === value) this.#previous.delete(key);
      });
    }
    return value;
  }

  /** Whether `key` is remembered (does not count as a use). */
  has(key: string): boolean {
    return this.#current.has(key) || this.#previous.has(key);
  }

  /** How many entries are remembered (at most twice the capacity). */
  get size(): number {
    let size = this.#current.size;
    for (const key of this.#previous.keys()) if (!this.#current.has(key)) size++;
    return size;
  }

  /** Forgets everything. */
  clear(): void {
    this.#current.clear();
    this.#previous.clear();
  }

  #add(key: string, value: V): void {
    if (this.#current.size >= this.capacity) {
      this.#previous = this.#current;
      this.#current = new Map();
    }
    this.#current.set(key, value);
  }
}
