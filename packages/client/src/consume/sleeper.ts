/** Why a sleep ended. */
export type WakeReason = "wake" | "timeout";

/**
 * A sleep that `wake()` ends early. A wake that arrives while nobody sleeps is
 * remembered, so the next sleep returns at once: no wake-up is lost between a
 * read and the sleep after it.
 */
export class Sleeper {
  #pending = false;
  #resolve: ((reason: WakeReason) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;

  /** Ends the current sleep, or the next one. */
  wake(): void {
    if (this.#resolve) this.#finish("wake");
    else this.#pending = true;
  }

  /** Sleeps up to `ms`. */
  sleep(ms: number): Promise<WakeReason> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve("wake");
    }
    return new Promise((resolve) => {
      this.#resolve = resolve;
      this.#timer = setTimeout(() => this.#finish("timeout"), ms);
    });
  }

  #finish(reason: WakeReason): void {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    resolve?.(reason);
  }
}
