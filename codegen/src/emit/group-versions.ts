import type { ContractModel, EventContract } from "../ir/model.js";

/** Every version of one event type, oldest first; `latest` is the last of them. */
export interface EventVersions {
  readonly eventType: string;
  readonly versions: readonly EventContract[];
  readonly latest: EventContract;
}

/** The model's events grouped by event type, in the model's order (sorted by event type, then version). */
export function groupVersions(model: ContractModel): EventVersions[] {
  const groups = new Map<string, EventContract[]>();
  for (const event of model.events) {
    const group = groups.get(event.eventType);
    if (group) group.push(event);
    else groups.set(event.eventType, [event]);
  }
  return [...groups].map(([eventType, events]) => {
    const versions = [...events].sort((a, b) => a.version - b.version);
    return { eventType, versions, latest: versions.at(-1)! };
  });
}

/** Channel → event types published on it, channels sorted, event types in model order. */
export function channelMap(model: ContractModel): Map<string, string[]> {
  const channels = new Map<string, string[]>();
  for (const { eventType, latest } of groupVersions(model)) {
    const types = channels.get(latest.channel);
    if (types) types.push(eventType);
    else channels.set(latest.channel, [eventType]);
  }
  return new Map([...channels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
