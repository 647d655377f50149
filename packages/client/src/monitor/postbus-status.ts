/**
 * What `readStatus` reports: the shape `postbus status --json` prints and a
 * service exports as metrics. Times are `Date`s (ISO strings in JSON);
 * positions are `"<tx>:<id>"`.
 */

/** A snapshot of one Postbus schema and of the server's read horizon. */
export interface PostbusStatus {
  readonly server: ServerStatus;
  /**
   * Running transactions that hold the read horizon — delivery of every event
   * written after them, on every channel and in every database of the server,
   * waits until they end. Oldest first; usually empty or one.
   */
  readonly holdingBack: readonly HoldingTransaction[];
  /** Every consumer group, by name. */
  readonly groups: readonly GroupStatus[];
  /** Every channel that has events, by name. */
  readonly channels: readonly ChannelStatus[];
  /** Request-response over the most recent requests (see `requestWindow`), by request type and channel. */
  readonly requests: readonly RequestTypeStatus[];
  readonly table: TableStatus;
  /**
   * Recent publishes of deprecated contract versions, per producer — when `readStatus` was
   * given the deprecated versions (`deprecatedVersions`); null otherwise.
   */
  readonly deprecatedPublishes: DeprecatedPublishes | null;
}

/** Publishes of deprecated contract versions among the most recent events (`publishWindow`). */
export interface DeprecatedPublishes {
  /** How many of the newest events were looked at, at most. */
  readonly window: number;
  /** Events in the window (fewer than `window` on a small table). */
  readonly events: number;
  /** `created_at` of the oldest event in the window; null for an empty table. */
  readonly since: Date | null;
  /** The deprecated versions counted. */
  readonly versions: readonly { readonly eventType: string; readonly version: number }[];
  /** One entry per event type, version and producer that published it in the window; sorted. */
  readonly publishes: readonly DeprecatedPublishCount[];
}

/** How often one producer published one deprecated version in the window. */
export interface DeprecatedPublishCount {
  readonly eventType: string;
  readonly version: number;
  /** `metadata.producer`; null when the writer set none. */
  readonly producer: string | null;
  readonly publishes: number;
  /** `created_at` of the newest such publish. */
  readonly lastPublishedAt: Date;
}

/** The server and where delivery stands. */
export interface ServerStatus {
  /** `server_version`, e.g. `"16.4"`. */
  readonly version: string;
  /**
   * `pg_snapshot_xmin(pg_current_snapshot())` as text: events of transactions
   * below it are deliverable; events at or above it wait.
   */
  readonly readHorizon: string;
}

/** A transaction that holds the read horizon. */
export interface HoldingTransaction {
  /** Backend process id (`pg_terminate_backend(pid)` ends it); null for a prepared transaction. */
  readonly pid: number | null;
  /** The database it runs in; often not this one, as the horizon is server-wide. */
  readonly database: string | null;
  /** `pg_stat_activity.application_name` of the backend; null for a prepared transaction. */
  readonly applicationName: string | null;
  /** `pg_stat_activity.state` (`"idle in transaction"` is the usual culprit), or `"prepared"`. */
  readonly state: string | null;
  /** When the transaction started (or was prepared). */
  readonly xactStart: Date | null;
  /** How long it has been running, in seconds. */
  readonly ageSeconds: number;
  /** Its transaction id (32-bit `xid`, as text). */
  readonly backendXid: string;
  /** Its current or last statement, first 200 characters; `PREPARE TRANSACTION '<gid>'` when prepared. */
  readonly query: string | null;
}

/** One consumer group. */
export interface GroupStatus {
  readonly group: string;
  /**
   * Its cursor on each channel it reads, by channel name. In a partitioned group the position is
   * its slowest slot's, and the lag counts only events after their own slot's cursor.
   */
  readonly channels: readonly GroupChannelStatus[];
  /** Its number of partitions, or null when it is not partitioned. */
  readonly partitions: number | null;
  /** In a partitioned group, the lag of each partition (all its slots and channels). */
  readonly partitionLag?: readonly PartitionLag[];
  /** Whether `prune` keeps the events it has not passed (false: declared with `setGroupRetention`). */
  readonly holdsRetention: boolean;
  /** When it last handled a batch or booked a failure; null if never. */
  readonly lastActiveAt: Date | null;
  /** The event it keeps failing on (in a partitioned group, the longest-failing slot's), or null when nothing fails. */
  readonly failing: FailingEvent | null;
  /** Its dead letters by status. */
  readonly deadLetters: DeadLetterCounts;
}

/** How far behind one partition of a partitioned group is. */
export interface PartitionLag {
  readonly partition: number;
  /** Events after the cursors of its slots, deliverable or not; at most the count cap (then `lagCapped`). */
  readonly lagEvents: number;
  readonly lagCapped: boolean;
  /** Its slots that are retrying a failing event. */
  readonly failingSlots: number;
}

/** A group's cursor on one channel and how far behind it is. */
export interface GroupChannelStatus {
  readonly channel: string;
  /** The last event handled, `"<tx>:<id>"` (`"0:0"` before the first). */
  readonly position: string;
  /** Events after the cursor, deliverable or not; at most the count cap (then `lagCapped`). */
  readonly lagEvents: number;
  /** True when counting stopped at the cap: the lag is at least `lagEvents`. */
  readonly lagCapped: boolean;
  /** Age of the next event to handle (the first after the cursor in delivery order), in seconds; 0 when caught up. */
  readonly lagSeconds: number;
}

/** The event a group is retrying. */
export interface FailingEvent {
  readonly position: string;
  /** Failed attempts so far. */
  readonly attempts: number;
  /** The last error, as stored (credentials removed). */
  readonly lastError: string | null;
  /** When it will be tried again. */
  readonly retryAt: Date | null;
}

/** Dead letters by status. */
export interface DeadLetterCounts {
  /** Given up on. */
  readonly dead: number;
  /** Waiting for a running subscription of the group to handle them again. */
  readonly redrive: number;
  /** Handled on redrive. */
  readonly redriven: number;
}

/** One channel of the events table. */
export interface ChannelStatus {
  readonly channel: string;
  /** Its events; at most the count cap (then `eventsCapped`). */
  readonly events: number;
  /** True when counting stopped at the cap. */
  readonly eventsCapped: boolean;
  /** `created_at` of its last event in delivery order. */
  readonly lastEventAt: Date | null;
}

/** The tables as a whole. */
export interface TableStatus {
  /** Events in the table: the sum of the channel counts (a lower bound when `eventsCapped`). */
  readonly events: number;
  /** True when a channel's count stopped at the cap. */
  readonly eventsCapped: boolean;
  /** `pg_total_relation_size` of the events table: rows, TOAST and indexes, in bytes. */
  readonly totalBytes: number;
  /** Rows in `postbus_dead_letters`, every status. */
  readonly deadLetters: number;
}

/**
 * Request-response figures of one request type on one channel, over the most
 * recent requests of the table (`readStatus`'s `requestWindow`, all types together).
 */
export interface RequestTypeStatus {
  readonly requestType: string;
  readonly channel: string;
  /** Requests in the window. */
  readonly requests: number;
  /** Requests with a reply (error replies included). */
  readonly answered: number;
  /** Requests answered with an error reply. */
  readonly errorReplies: number;
  /** Requests without a reply whose requester still waits (or that set no `expires_at`). */
  readonly pending: number;
  /** Requests without a reply whose requester stopped waiting (`expires_at` passed). */
  readonly expired: number;
  /** Replies written after their request's `expires_at`: the requester had timed out. */
  readonly lateReplies: number;
  /**
   * Request to reply, by the envelopes' `timestamp`s (request published → reply published, so the
   * responder's handler time is included; clocks of different hosts), in ms; null without replies.
   */
  readonly roundTripMs: { readonly p50: number; readonly p99: number; readonly max: number } | null;
  /** Age of the oldest request still waiting for a reply, in seconds; 0 when none waits. */
  readonly oldestPendingSeconds: number;
  /** When the newest request was written. */
  readonly lastRequestAt: Date;
}
