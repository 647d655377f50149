export type { PostbusOptions, RequesterOptions, WakeupMode } from "./config/postbus-options.js";
export { type ConsumerStats, DRAIN_TRANSIENT_RETRIES, type DrainResult } from "./consume/consumer-loop.js";
export type {
  ConsumerContext,
  EventHandler,
  StartFrom,
  SubscribeOptions,
} from "./consume/consumer-options.js";
export {
  type DeadLetter,
  type DeadLetterStatus,
  type ListDeadLettersOptions,
  listDeadLetters,
  type RequestRedriveOptions,
  requestRedrive,
} from "./consume/dead-letters.js";
export type { RepartitionResult } from "./consume/repartition-group.js";
export type { Subscription } from "./consume/subscription.js";
export {
  createPostbus,
  type LatestEventsOptions,
  type Postbus,
  type ReadEventsOptions,
} from "./create-postbus.js";
export type { Executor, ListenConnection, Notification, QueryResult } from "./driver/executor.js";
export { fromClient } from "./driver/from-client.js";
export { fromPool } from "./driver/from-pool.js";
export type {
  PgClientLike,
  PgListenClientLike,
  PgNotificationLike,
  PgPoolClientLike,
  PgPoolLike,
  PgQueryable,
  PgQueryResultLike,
} from "./driver/pg-types.js";
export { type Database, toExecutor } from "./driver/to-executor.js";
export type { TransactionOutcome } from "./driver/transaction-end.js";
export { redactSecrets } from "./driver/wrap-database-error.js";
export type { Envelope, EventMetadata, StoredEvent } from "./envelope.js";
export {
  isPostbusError,
  PostbusDatabaseError,
  PostbusError,
  type PostbusErrorCode,
  type PostbusErrorOptions,
  type PostbusErrorSubject,
  PostbusInputError,
} from "./errors/postbus-error.js";
export { consoleLogger, type LogFields, type LogMethod, type PostbusLogger } from "./log/logger.js";
export { LATEST_MIGRATION, type MigrateOptions, type MigrateResult, migrate } from "./migrate/migrate.js";
export type {
  ChannelStatus,
  DeadLetterCounts,
  DeprecatedPublishCount,
  DeprecatedPublishes,
  FailingEvent,
  GroupChannelStatus,
  GroupStatus,
  HoldingTransaction,
  PartitionLag,
  PostbusStatus,
  RequestTypeStatus,
  ServerStatus,
  TableStatus,
} from "./monitor/postbus-status.js";
export {
  DEFAULT_COUNT_CAP,
  DEFAULT_PUBLISH_WINDOW,
  DEFAULT_REQUEST_WINDOW,
  type ReadStatusOptions,
  readStatus,
} from "./monitor/read-status.js";
export type { ContractVersionRef } from "./monitor/read-version-publishes.js";
export {
  checkHealth,
  DEFAULT_MAX_STALL_SECONDS,
  type HealthProblem,
  type HealthReport,
  type HealthThresholds,
} from "./observe/check-health.js";
export {
  type BlockingBackend,
  type DeliveryStalled,
  type EventDeadLettered,
  type EventFailed,
  type EventRedriven,
  type EventRef,
  type ListenerLost,
  type ListenerRegained,
  POSTBUS_EVENTS,
  type PoolerDetected,
  type PostbusEventListener,
  type PostbusEventMap,
  SUBSCRIPTION_EVENTS,
  type SubscriptionEventMap,
} from "./observe/postbus-events.js";
export { PROMETHEUS_CONTENT_TYPE, statusToPrometheus } from "./observe/prometheus-text.js";
export type {
  ClientTelemetry,
  ConsumerTelemetry,
  PostbusTelemetry,
  TelemetryClient,
  TracedHandler,
} from "./observe/telemetry/telemetry-hooks.js";
export type { EventOptions } from "./publish/prepare-event.js";
export type { PublishItem } from "./publish/publish-item.js";
export {
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
  type PublishOptions,
  type TransactionScope,
} from "./publish/publisher.js";
export { MAX_READ_LIMIT } from "./read/check-limit.js";
export { formatPosition, type Position, parsePosition, START } from "./read/position.js";
export type { LateReply } from "./request/late-reply.js";
export { PostbusReplyError } from "./request/reply-error.js";
export {
  isErrorReplyEvent,
  REPLY_METADATA,
  type RequestInfo,
  requestIdOf,
  requestInfoOf,
} from "./request/reply-protocol.js";
export type {
  ErrorReply,
  RequestOptions,
  ResponderContext,
  RespondOptions,
} from "./request/request-options.js";
export { DEFAULT_REQUEST_TIMEOUT_MS, MAX_REQUEST_TIMEOUT_MS } from "./request/send-request.js";
export { setGroupRetention } from "./retention/group-retention.js";
export { type PruneOptions, type PruneResult, pruneEvents } from "./retention/prune-events.js";
export type {
  ChannelOf,
  ContractEntry,
  ContractRegistry,
  ContractVersionEntry,
  DataAt,
  DataOf,
  DeliveredContract,
  ErrorResponseTypeOf,
  EventTypeOf,
  EventTypesOn,
  PayloadOf,
  RequestTypeOf,
  ResponseTypeOf,
  SchemaInput,
  SchemaOutput,
  TypedEvent,
  TypedEventOn,
  VersionOf,
  VersionPins,
} from "./typed/contract-registry.js";
export { createTypedPostbus } from "./typed/create-typed-postbus.js";
export { CONTRACT_VERSION_KEY } from "./typed/deliver-event.js";
export type { DeprecatedVersionPolicy } from "./typed/stamp-version.js";
export type {
  TypedConsumerContext,
  TypedEventOptions,
  TypedPostbus,
  TypedPostbusOptions,
  TypedPublishItem,
  TypedPublishOptions,
  TypedRequestOptions,
  TypedResponderContext,
  TypedRespondOptions,
  TypedSubscribeOptions,
  TypedTransactionScope,
  VersionPinOption,
} from "./typed/typed-postbus.js";
export { DEFAULT_JSON_LIMITS, type JsonLimits, toCheckedJson } from "./validate/check-json.js";
export { checkEventName, MAX_NAME_BYTES } from "./validate/check-name.js";
export type {
  StandardIssue,
  StandardResult,
  StandardSchemaV1,
  ValidatorRegistry,
} from "./validate/standard-schema.js";
export type { UnknownEventTypePolicy } from "./validate/validate-payload.js";
export {
  createWakeListener,
  PROBE_PAYLOAD_PREFIX,
  sharedListener,
  type WakeListener,
  type WakeListenerOptions,
  type WakeListenerState,
  type WakeSubscriber,
} from "./wake/listener.js";
export { wakeChannel } from "./wake/wake-channel.js";
export type { WakeChannels, WakeSource } from "./wake/wake-source.js";
