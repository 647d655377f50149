import type { PostbusOptions } from "./config/postbus-options.js";
import { readOptions } from "./config/read-options.js";
import type { BatchDeps } from "./consume/batch-deps.js";
import type { DrainResult } from "./consume/consumer-loop.js";
import { readConsumerOptions, type StartFrom, type SubscribeOptions } from "./consume/consumer-options.js";
import {
  type DeadLetter,
  type ListDeadLettersOptions,
  listDeadLetters,
  requestRedrive,
} from "./consume/dead-letters.js";
import { type GroupStatements, resetGroup } from "./consume/ensure-group.js";
import { type RepartitionResult, repartitionGroup } from "./consume/repartition-group.js";
import { drainGroup, type Subscription, startSubscription } from "./consume/subscription.js";
import type { Executor } from "./driver/executor.js";
import { reportPoolErrors } from "./driver/from-pool.js";
import { type Database, toExecutor } from "./driver/to-executor.js";
import type { StoredEvent } from "./envelope.js";
import { PostbusError, PostbusInputError } from "./errors/postbus-error.js";
import type { PostbusStatus } from "./monitor/postbus-status.js";
import { type ReadStatusOptions, readStatus } from "./monitor/read-status.js";
import {
  checkHealth,
  type HealthReport,
  type HealthThresholds,
  readHealthThresholds,
} from "./observe/check-health.js";
import { EventHub } from "./observe/event-hub.js";
import { POSTBUS_EVENTS, type PostbusEventMap, SUBSCRIPTION_EVENTS } from "./observe/postbus-events.js";
import { tracedPublisher } from "./observe/telemetry/traced-publisher.js";
import { readEventFields } from "./publish/prepare-event.js";
import type { PublishItem } from "./publish/publish-item.js";
import { createPublisher, type PublishOptions, type TransactionScope } from "./publish/publisher.js";
import { checkLimit } from "./read/check-limit.js";
import { parsePosition, START } from "./read/position.js";
import { rowToEvent } from "./read/row-to-event.js";
import { ReplyWaiter } from "./request/reply-waiter.js";
import type { RequestOptions, RespondOptions } from "./request/request-options.js";
import { type ReplyChannelOf, replyToChannel, responderSubscription } from "./request/respond.js";
import { sendRequest } from "./request/send-request.js";
import { setGroupRetention } from "./retention/group-retention.js";
import { type PruneOptions, type PruneResult, pruneEvents } from "./retention/prune-events.js";
import { consumerStatements } from "./sql/consumer-statements.js";
import { insertStatements } from "./sql/insert-events.js";
import { partitionStatements } from "./sql/partition-statements.js";
import { selectRepliesSql } from "./sql/reply-statements.js";
import { selectChannelEventsAfterSql, selectEventsAfterSql } from "./sql/select-events-after.js";
import { type EventRow, selectLatestEventsSql } from "./sql/select-latest-events.js";
import { checkEventName, quoteIdentifier } from "./validate/check-name.js";
import { sharedListener, type WakeListener } from "./wake/listener.js";
import { emitLocalCommit, onLocalCommit } from "./wake/local-commits.js";
import { wakeChannel } from "./wake/wake-channel.js";
import { WakeNotifier } from "./wake/wake-notifier.js";
import type { WakeSource } from "./wake/wake-source.js";

/** Options of `readEvents`. */
export interface ReadEventsOptions {
  /** Read after this position (an event's `position`, `"<tx>:<id>"`). Default: from the start. */
  readonly after?: string | undefined;
  /** At most this many events (1…10000). Default 100. */
  readonly limit?: number;
  /** Read through the caller's transaction or client. */
  readonly tx?: Database;
}

/** Options of `getLatestEvents`. */
export interface LatestEventsOptions {
  /** At most this many events (1…10000). Default 10. */
  readonly limit?: number;
  /** Read through the caller's transaction or client. */
  readonly tx?: Database;
}

/** The untyped Postbus client. Generated packages wrap it with exact types. */
export interface Postbus {
  /** The schema that holds the events table. */
  readonly schema: string;
  /** Publishes one event and returns it as stored. */
  publish(eventType: string, data: unknown, options?: PublishOptions): Promise<StoredEvent>;
  /** Publishes a batch in one statement: all of it or none of it. Returns the events in input order. */
  publishMany(items: readonly PublishItem[], options?: { readonly tx?: Database }): Promise<StoredEvent[]>;
  /** Runs `work` in a transaction on the pool; events published through the scope commit with it. */
  withTransaction<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T>;
  /** The newest events of a channel, newest first (the ADR's `get_latest_events`). */
  getLatestEvents(channel: string, options?: LatestEventsOptions): Promise<StoredEvent[]>;
  /** Events of the channels in delivery order after a position: replay, page by page. */
  readEvents(channels: string | readonly string[], options?: ReadEventsOptions): Promise<StoredEvent[]>;
  /**
   * Joins a consumer group: handles its channels' events in delivery order, in
   * batches, each in one transaction with the group's cursor. Runs until closed.
   */
  subscribe(options: SubscribeOptions): Subscription;
  /**
   * Handles what is deliverable for the group now, then returns the counters. Rejects with the
   * coded error on a persistent database error, or on a transient one that repeats
   * `DRAIN_TRANSIENT_RETRIES` (8) times in a row; never retries forever.
   */
  drain(options: SubscribeOptions): Promise<DrainResult>;
  /**
   * Sets a consumer group's number of partitions (1…64), making an unpartitioned group
   * partitioned. Waits for the batches in flight; cursors are per slot and do not move, so no
   * event is handled twice or skipped and each key keeps its order. Running members pick the new
   * number up at their next batch.
   *
   * @example
   * ```ts
   * await bus.repartitionGroup("billing", 16); // { from: 8, to: 16 }
   * ```
   */
  repartitionGroup(group: string, partitions: number): Promise<RepartitionResult>;
  /** Moves a group's cursors on `channels` back (replay) or forward (skip) to `to`. */
  resetGroup(
    group: string,
    options: { readonly channels: string | readonly string[]; readonly to: StartFrom },
  ): Promise<void>;
  /** Where every group is, what lags, what failed, and which transactions hold delivery back. */
  status(options?: Omit<ReadStatusOptions, "schema">): Promise<PostbusStatus>;
  /**
   * The status judged against thresholds: `ok`, or the problems (a stall naming the blocking
   * backend, dead letters per group, lag per group and channel), for probes and alerts.
   *
   * @example
   * ```ts
   * const report = await bus.health({ maxLagSeconds: 60, maxDeadLetters: 0, maxStallSeconds: 30 });
   * if (!report.ok) throw new Error(report.problems.map((p) => p.message).join("; "));
   * ```
   */
  health(thresholds?: HealthThresholds): Promise<HealthReport>;
  /**
   * Deletes old events every consumer group reading their channel has passed, in bounded batches
   * (see {@link pruneEvents}); never an event a group still needs or a request awaiting its reply.
   */
  prune(options: Omit<PruneOptions, "schema">): Promise<PruneResult>;
  /**
   * Declares whether a consumer group holds retention back: `false` and `prune` ignores its
   * cursors (a retired group, or one that reads only live events); `true` (the default) and it
   * keeps every event the group has not passed. Stored with the group (created if missing).
   */
  setGroupRetention(group: string, holdsRetention: boolean): Promise<boolean>;
  /** Dead letters, oldest first. */
  listDeadLetters(options?: Omit<ListDeadLettersOptions, "schema">): Promise<DeadLetter[]>;
  /** Marks a group's dead letters (all, or `ids`) for redrive; a running subscription handles them again. */
  requestRedrive(group: string, options?: { readonly ids?: readonly (string | number)[] }): Promise<number>;
  /**
   * Publishes a request and resolves with its reply (request-response). Rejects with
   * `POSTBUS_REQUEST_TIMEOUT` when no reply comes within `timeoutMs`, and with a
   * {@link PostbusReplyError} when the responder sends an error reply.
   */
  request(eventType: string, data: unknown, options?: RequestOptions): Promise<StoredEvent>;
  /** Answers requests of one type, as a consumer group; returns the running responder. */
  respond(options: RespondOptions): Subscription;
  /** The replies stored for a request (oldest first; usually one), e.g. one that came after a timeout. */
  getReplies(requestId: string, options?: { readonly channels?: readonly string[] }): Promise<StoredEvent[]>;
  /**
   * Listens to what happens to this client's deliveries: every subscription's `event:failed`,
   * `event:dead-lettered`, `event:redriven` and `delivery:stalled`, and the LISTEN connection's
   * `listener:lost`, `listener:regained` and `pooler:detected`. Returns the function that stops
   * listening. A listener that throws is logged through `logger.error`, never breaks delivery.
   *
   * @example
   * ```ts
   * bus.on("event:failed", ({ group, eventType, attempt, retryAt, error }) =>
   *   log.warn({ group, eventType, attempt, retryAt }, error));
   * ```
   */
  on<Name extends keyof PostbusEventMap>(
    name: Name,
    listener: (payload: PostbusEventMap[Name]) => void,
  ): () => void;
  /** Closes this client's subscriptions, sends pending wake-ups and stops background work. Does not end a pool it was given. */
  close(): Promise<void>;
}

/**
 * Creates a Postbus client on a database.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * import { createPostbus, migrate, fromPool } from "@postbus/client";
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(fromPool(pool));
 * const bus = createPostbus({ db: pool, producer: "signals" });
 * const event = await bus.publish("signal.triggered", { symbol: "BTC-USD", side: "buy" });
 * const latest = await bus.getLatestEvents("signal.triggered", { limit: 5 });
 * await bus.close();
 * await pool.end();
 * ```
 */
export function createPostbus(options: PostbusOptions): Postbus {
  return createPostbusWith(options, replyToChannel);
}

/**
 * {@link createPostbus} with the rule that picks a responder's reply channel: the typed
 * client falls back to the reply type's contract channel.
 * @internal
 */
export function createPostbusWith(options: PostbusOptions, replyChannelOf: ReplyChannelOf): Postbus {
  const config = readOptions(options);
  const executor = toExecutor(options.db, false);
  // A pool's idle clients that lose their connection are reported, not thrown (fromPool listens).
  const stopPoolErrors = reportPoolErrors(executor, config.logger);
  const schema = quoteIdentifier(config.schema);
  const sql = Object.freeze({
    latest: selectLatestEventsSql(schema),
    after: selectEventsAfterSql(schema),
    channelAfter: selectChannelEventsAfterSql(schema),
    replies: selectRepliesSql(schema),
  });
  const notifier = new WakeNotifier(
    executor,
    wakeChannel(config.schema),
    config.onBackgroundError,
    config.prepared,
    config.wakeupIntervalMs,
  );
  // Telemetry, when configured, wraps the publisher and each group's handler; otherwise nothing does.
  const telemetry = config.telemetry?.bind({
    schema: config.schema,
    status: () => readStatus(executor, { schema: config.schema }),
  });
  const untracedPublisher = createPublisher(executor, insertStatements(schema), notifier, config);
  const publisher =
    telemetry === undefined ? untracedPublisher : tracedPublisher(untracedPublisher, telemetry);
  const consumerSql = consumerStatements(schema);
  const partitionSql = partitionStatements(schema);
  const events = new EventHub<PostbusEventMap>(POSTBUS_EVENTS, config.logger);
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const localWakes: WakeSource = {
    subscribe(onWake) {
      const off = onLocalCommit(executor, wakeChannel(config.schema), (channels) => onWake(channels));
      return async () => {
        off();
      };
    },
  };
  let listener: WakeListener | undefined;
  const listenerHealth = watchListener(events);
  const serverWakes: WakeSource = {
    subscribe(onWake, onReconnect) {
      if (config.listen === false) return async () => {};
      listener ??= sharedListener(executor, { onError: config.onBackgroundError, ...config.listen });
      return listener.subscribe(wakeChannel(config.schema), {
        onWake: (payload) => onWake(payload === "" ? "all" : payload.split(",")),
        onReconnect: () => {
          listenerHealth.regained();
          onReconnect();
        },
        onLost: (error) => listenerHealth.lost(error),
        onPollingOnly: (reason) => listenerHealth.pollingOnly(reason),
      });
    },
  };
  const wakes: WakeSource = combineWakes(localWakes, serverWakes);
  let replies: ReplyWaiter | undefined;
  const replyWaiter = () =>
    (replies ??= new ReplyWaiter(executor, sql.replies, wakes, {
      ...config.requests,
      onError: config.onBackgroundError,
      prepared: config.prepared,
    }));

  function consumerDeps(options: SubscribeOptions): Omit<BatchDeps, "signal"> {
    const consumer = readConsumerOptions(options);
    const traced = telemetry?.consumer(consumer.group);
    return {
      executor,
      statements: consumerSql,
      partitionStatements: partitionSql,
      lockKey: `${config.schema}.${consumer.group}`,
      config: traced === undefined ? consumer : { ...consumer, handler: traced.process(consumer.handler) },
      telemetry: traced,
      publisher,
      validators: config.prepare.validators,
      unknownEventTypes: config.prepare.unknownEventTypes,
      committed: (channels) => notifier.committed(channels),
      logger: config.logger,
      events: new EventHub(SUBSCRIPTION_EVENTS, config.logger, events),
      prepared: config.prepared,
    };
  }

  /** The statements and lease key of one group. */
  function groupSql(group: string): GroupStatements {
    return {
      statements: consumerSql,
      partitionStatements: partitionSql,
      lockKey: `${config.schema}.${group}`,
    };
  }

  function subscribe(subscribeOptions: SubscribeOptions): Subscription {
    assertOpen();
    const deps = consumerDeps(subscribeOptions);
    storeRetention(deps.config).catch(deps.config.onError);
    const running = startSubscription(deps, wakes, new AbortController());
    const subscription: Subscription = {
      ...running,
      stats: running.stats,
      close: async () => {
        await running.close();
        subscriptions.delete(subscription);
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  /** Stores a group's `holdsRetention` option, when it has one. */
  async function storeRetention(consumer: Omit<BatchDeps, "signal">["config"]): Promise<void> {
    if (consumer.holdsRetention === undefined) return;
    await setGroupRetention(executor, consumer.group, consumer.holdsRetention, { schema: config.schema });
  }

  function assertOpen(): void {
    if (closed) {
      throw new PostbusError("POSTBUS_CLOSED", "This Postbus client is closed", {
        hint: "Create a new client with createPostbus()",
      });
    }
  }

  const targetOf = (tx: Database | undefined): Executor =>
    tx === undefined ? executor : toExecutor(tx, true);

  async function read(target: Database | undefined, text: string, values: unknown[], prepared = false) {
    const { rows } = await targetOf(target).query<EventRow>(text, values, { prepared });
    return rows.map(rowToEvent);
  }

  return Object.freeze({
    schema: config.schema,

    async publish(eventType: string, data: unknown, publishOptions: PublishOptions = {}) {
      assertOpen();
      checkOptionsObject(publishOptions);
      const { tx, ...fields } = readEventFields(publishOptions);
      const [event] = await publisher.write(targetOf(tx as Database | undefined), [
        { ...fields, type: eventType, data },
      ]);
      return event!;
    },

    async publishMany(items: readonly PublishItem[], manyOptions: { readonly tx?: Database } = {}) {
      assertOpen();
      return publisher.write(targetOf(manyOptions.tx), items);
    },

    async withTransaction<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T> {
      assertOpen();
      if (!executor.transaction) {
        throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "withTransaction needs a pool", {
          subject: { field: "db" },
          hint: "Create the client with a pg.Pool (or an executor with transaction()), or pass { tx: client } to publish",
        });
      }
      const channels = new Set<string>();
      const result = await executor.transaction((tx) => work(publisher.scope(tx, channels)));
      if (channels.size > 0) notifier.committed(channels);
      return result;
    },

    async getLatestEvents(channel: string, latestOptions: LatestEventsOptions = {}) {
      assertOpen();
      const name = checkEventName(channel, "channel");
      const limit = checkLimit(latestOptions.limit, 10);
      return read(latestOptions.tx, sql.latest, [name, limit]);
    },

    async readEvents(channels: string | readonly string[], readOptions: ReadEventsOptions = {}) {
      assertOpen();
      if (typeof channels !== "string" && !Array.isArray(channels)) {
        throw new PostbusInputError(
          "POSTBUS_OPTIONS_INVALID",
          "readEvents expects a channel or an array of channels",
          {
            subject: { field: "channels" },
            hint: 'Pass a channel name or an array of them, e.g. ["signal.triggered"]',
          },
        );
      }
      const list = (typeof channels === "string" ? [channels] : [...channels]).map((channel, index) =>
        checkEventName(channel, "channel", { field: `channels[${index}]` }),
      );
      if (list.length === 0) {
        throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "readEvents needs at least one channel", {
          subject: { field: "channels" },
          hint: "Name the channels to read",
        });
      }
      const after = readOptions.after === undefined ? START : parsePosition(readOptions.after);
      const limit = checkLimit(readOptions.limit, 100);
      // Page after page of a replay: prepared, planned once per connection.
      if (new Set(list).size === 1)
        return read(readOptions.tx, sql.channelAfter, [list[0], after.tx, after.id, limit], config.prepared);
      return read(readOptions.tx, sql.after, [list, after.tx, after.id, limit], config.prepared);
    },

    subscribe,

    async drain(subscribeOptions: SubscribeOptions): Promise<DrainResult> {
      assertOpen();
      const deps = consumerDeps(subscribeOptions);
      await storeRetention(deps.config);
      return drainGroup(deps);
    },

    async resetGroup(
      group: string,
      resetOptions: { readonly channels: string | readonly string[]; readonly to: StartFrom },
    ) {
      assertOpen();
      const consumer = readConsumerOptions({
        group,
        channels: resetOptions.channels,
        from: resetOptions.to,
        handler: () => {},
      });
      await resetGroup(executor, groupSql(consumer.group), consumer);
    },

    async repartitionGroup(group: string, partitions: number) {
      assertOpen();
      const name = checkEventName(group, "consumer group", { field: "group" });
      return repartitionGroup(executor, groupSql(name), name, partitions);
    },

    async status(statusOptions = {}) {
      assertOpen();
      return readStatus(executor, { ...statusOptions, schema: config.schema });
    },

    async health(thresholds: HealthThresholds = {}) {
      assertOpen();
      readHealthThresholds(thresholds); // bad thresholds fail before the database is asked
      return checkHealth(await readStatus(executor, { schema: config.schema }), thresholds);
    },

    async prune(pruneOptions: Omit<PruneOptions, "schema">) {
      assertOpen();
      return pruneEvents(executor, { ...pruneOptions, schema: config.schema });
    },

    async setGroupRetention(group: string, holdsRetention: boolean) {
      assertOpen();
      return setGroupRetention(executor, group, holdsRetention, { schema: config.schema });
    },

    async listDeadLetters(listOptions = {}) {
      assertOpen();
      return listDeadLetters(executor, { ...listOptions, schema: config.schema });
    },

    async requestRedrive(
      group: string,
      redriveOptions: { readonly ids?: readonly (string | number)[] } = {},
    ) {
      assertOpen();
      const marked = await requestRedrive(executor, { ...redriveOptions, group, schema: config.schema });
      // Subscriptions of this process hear it at once.
      if (marked > 0) emitLocalCommit(executor, wakeChannel(config.schema), "all");
      return marked;
    },

    async request(eventType: string, data: unknown, requestOptions: RequestOptions = {}) {
      assertOpen();
      if (telemetry === undefined)
        return sendRequest(executor, publisher, replyWaiter(), eventType, data, requestOptions);
      const channel = typeof requestOptions?.channel === "string" ? requestOptions.channel : eventType;
      return telemetry.request(String(eventType), String(channel), () =>
        sendRequest(executor, publisher, replyWaiter(), eventType, data, requestOptions),
      );
    },

    respond(respondOptions: RespondOptions): Subscription {
      assertOpen();
      return subscribe(responderSubscription(respondOptions, replyChannelOf));
    },

    async getReplies(requestId: string, repliesOptions: { readonly channels?: readonly string[] } = {}) {
      assertOpen();
      if (typeof requestId !== "string" || requestId === "") {
        throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "getReplies needs a request id", {
          subject: { field: "requestId" },
          hint: "Pass the request's metadata.event_id (error.subject.requestId of a timeout)",
        });
      }
      const channels = (repliesOptions.channels ?? []).map((channel, index) =>
        checkEventName(channel, "channel", { field: `channels[${index}]` }),
      );
      const events = await read(undefined, sql.replies, [[requestId]]);
      return channels.length === 0 ? events : events.filter((event) => channels.includes(event.channel));
    },

    on<Name extends keyof PostbusEventMap>(name: Name, listener: (payload: PostbusEventMap[Name]) => void) {
      return events.on(name, listener);
    },

    async close() {
      if (closed) return;
      closed = true;
      await replies?.close();
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      await listener?.close();
      await notifier.close();
      telemetry?.close();
      stopPoolErrors();
    },
  });
}

/**
 * Turns the listener's per-subscription callbacks into one event each for the client: every
 * subscription of a client shares the listener, so a loss is reported once, not once per subscription.
 */
function watchListener(events: EventHub<PostbusEventMap>) {
  let lostAt: number | undefined;
  let pollingOnly = false;
  return {
    lost(error: unknown) {
      if (lostAt !== undefined) return;
      lostAt = Date.now();
      events.emit("listener:lost", { error: error instanceof Error ? error.message : String(error) });
    },
    regained() {
      pollingOnly = false;
      if (lostAt === undefined) return;
      const downMs = Date.now() - lostAt;
      lostAt = undefined;
      events.emit("listener:regained", { downMs });
    },
    pollingOnly(reason: string) {
      if (pollingOnly) return;
      pollingOnly = true;
      events.emit("pooler:detected", { reason });
    },
  };
}

function combineWakes(...sources: WakeSource[]): WakeSource {
  return {
    subscribe(onWake, onReconnect) {
      const offs = sources.map((source) => source.subscribe(onWake, onReconnect));
      return async () => {
        await Promise.all(offs.map((off) => off()));
      };
    },
  };
}

function checkOptionsObject(options: unknown): void {
  if (typeof options !== "object" || options === null) {
    throw new PostbusInputError("POSTBUS_OPTIONS_INVALID", "Options must be an object", {
      subject: { field: "options" },
      hint: "Pass {} or leave the argument out",
    });
  }
}
