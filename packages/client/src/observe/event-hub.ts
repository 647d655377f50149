/**
 * Listeners of typed events: a throwing listener is logged and never breaks delivery, and a
 * hub with a parent (a subscription's, under its client's) passes every event up.
 */
import { PostbusInputError } from "../errors/postbus-error.js";
import { errorFields, type PostbusLogger } from "../log/logger.js";

/** A set of listeners per event name. */
export class EventHub<Map extends object> {
  readonly #names: readonly (keyof Map)[];
  readonly #logger: PostbusLogger;
  readonly #parent: { emit(name: never, payload: never): void } | undefined;
  readonly #listeners = new Map<keyof Map, Set<(payload: never) => void>>();

  /**
   * @param names the event names `on` accepts
   * @param parent a hub that hears every event of this one too (its map must include this one's)
   */
  constructor(
    names: readonly (keyof Map)[],
    logger: PostbusLogger,
    parent?: { emit<Name extends keyof Map>(name: Name, payload: Map[Name]): void },
  ) {
    this.#names = names;
    this.#logger = logger;
    this.#parent = parent as { emit(name: never, payload: never): void } | undefined;
  }

  /** Adds `listener` for `name`; returns the function that removes it. */
  on<Name extends keyof Map>(name: Name, listener: (payload: Map[Name]) => void): () => void {
    if (!this.#names.includes(name)) {
      throw new PostbusInputError(
        "POSTBUS_OPTIONS_INVALID",
        `Unknown Postbus event ${JSON.stringify(String(name))}`,
        {
          subject: { field: "event" },
          hint: `Listen to one of: ${this.#names.map(String).join(", ")}`,
        },
      );
    }
    if (typeof listener !== "function") {
      throw new PostbusInputError(
        "POSTBUS_OPTIONS_INVALID",
        `The listener of "${String(name)}" must be a function`,
        {
          subject: { field: "listener" },
          hint: "Pass (payload) => { … }",
        },
      );
    }
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    const entry = listener as (payload: never) => void;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Calls every listener of `name` here and in the parent. Never throws. */
  emit<Name extends keyof Map>(name: Name, payload: Map[Name]): void {
    const set = this.#listeners.get(name);
    if (set) {
      for (const listener of [...set]) {
        try {
          (listener as (payload: Map[Name]) => void)(payload);
        } catch (error) {
          this.#logger.error({ event: name, ...errorFields(error) }, `a listener of "${String(name)}" threw`);
        }
      }
    }
    this.#parent?.emit(name as never, payload as never);
  }
}
