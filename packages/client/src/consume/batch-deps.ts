import type { Executor } from "../driver/executor.js";
import type { PostbusLogger } from "../log/logger.js";
import type { EventHub } from "../observe/event-hub.js";
import type { SubscriptionEventMap } from "../observe/postbus-events.js";
import type { ConsumerTelemetry } from "../observe/telemetry/telemetry-hooks.js";
import type { Publisher } from "../publish/publisher.js";
import type { ConsumerStatements } from "../sql/consumer-statements.js";
import type { PartitionStatements } from "../sql/partition-statements.js";
import type { ValidatorRegistry } from "../validate/standard-schema.js";
import type { UnknownEventTypePolicy } from "../validate/validate-payload.js";
import type { ConsumerConfig } from "./consumer-options.js";

/** Everything a batch needs, fixed for the life of a subscription. */
export interface BatchDeps {
  readonly executor: Executor;
  readonly statements: ConsumerStatements;
  /** The statements of partitioned groups. */
  readonly partitionStatements: PartitionStatements;
  /** `schema.group`: the advisory lock's key. */
  readonly lockKey: string;
  readonly config: ConsumerConfig;
  readonly publisher: Publisher;
  readonly validators: ValidatorRegistry | undefined;
  readonly unknownEventTypes: UnknownEventTypePolicy;
  /** Whether Postbus's frequent statements are prepared (named). */
  readonly prepared: boolean;
  /** Called after a batch commits with the channels its handlers published to. */
  readonly committed: (channels: Set<string>) => void;
  /** Where a stalled delivery and dead letters are reported. */
  readonly logger: PostbusLogger;
  /** The subscription's event listeners (`subscription.on`), under the client's. */
  readonly events: EventHub<SubscriptionEventMap>;
  /** The group's telemetry hooks; undefined (no work at all) when telemetry is not configured. */
  readonly telemetry?: ConsumerTelemetry | undefined;
  readonly signal: AbortSignal;
}
