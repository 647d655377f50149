import type { ContractModel, EventContract } from "../ir/model.js";
import { contentKey } from "./content-key.js";

/** Memo keys of one model's parts (see {@link modelKeys}). */
export interface ModelKeys {
  /** The key of every shared definition together: what an event's closure of `$ref`s can reach. */
  readonly definitions: string;
  /** The key of one event contract's contents. */
  event(event: EventContract): string;
}

const models = new WeakMap<ContractModel, ModelKeys>();

/**
 * Memo keys for the emitters' per-event work, computed once per model: `--watch` builds a new model
 * on every edit, and an event whose contents and definitions are unchanged keeps its key, so its
 * emitted text is looked up instead of built again.
 *
 * @example
 * ```ts
 * const keys = modelKeys(model);
 * const text = declarations.get(`${keys.definitions}|${keys.event(event)}`, () => declare(event));
 * ```
 */
export function modelKeys(model: ContractModel): ModelKeys {
  const known = models.get(model);
  if (known !== undefined) return known;
  const events = new Map<EventContract, string>();
  const keys: ModelKeys = {
    definitions: contentKey(model.definitions),
    event(event) {
      let key = events.get(event);
      if (key === undefined) {
        key = contentKey(event);
        events.set(event, key);
      }
      return key;
    },
  };
  models.set(model, keys);
  return keys;
}
