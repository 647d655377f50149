/**
 * What `postbus docs --database-url` adds to the catalog: figures read from a database at one
 * moment. Plain data, so the pages stay a pure function of the model and these figures.
 */

/** Stored events of one event type on one channel. */
export interface LiveEventCount {
  readonly eventType: string;
  readonly channel: string;
  readonly count: number;
  readonly lastSeenAt: Date | null;
}

/** Dead letters (not yet redriven) of one group for one event type. */
export interface LiveDeadLetters {
  readonly group: string;
  readonly eventType: string;
  readonly count: number;
}

/** A consumer group's cursor on one channel. */
export interface LiveCursor {
  readonly channel: string;
  readonly position: string;
  readonly lagEvents: number;
  readonly lagCapped: boolean;
  readonly lagSeconds: number;
}

/** One consumer group as it stands. */
export interface LiveGroup {
  readonly group: string;
  /** `failing` (retrying an event), `dead letters` (some waiting), `lagging` (events waiting), `caught up`. */
  readonly state: "failing" | "dead letters" | "lagging" | "caught up";
  readonly lastActiveAt: Date | null;
  readonly holdsRetention: boolean;
  readonly channels: readonly LiveCursor[];
  readonly failing: {
    readonly position: string;
    readonly attempts: number;
    readonly lastError: string | null;
  } | null;
  readonly deadLetters: number;
}

/** Everything the live pages show. */
export interface LiveFigures {
  readonly readAt: Date;
  /** The database, as `host:port/name` (never credentials). */
  readonly database: string;
  readonly eventCounts: readonly LiveEventCount[];
  readonly deadLetters: readonly LiveDeadLetters[];
  readonly groups: readonly LiveGroup[];
}

/** The figures of one event type: its counts, the groups reading one of `channels`, its dead letters. */
export function figuresOf(figures: LiveFigures, eventType: string, channels: readonly string[]) {
  const counts = figures.eventCounts.filter((item) => item.eventType === eventType);
  const stored = new Set([...channels, ...counts.map((item) => item.channel)]);
  const readers = figures.groups.flatMap((group) =>
    group.channels.filter((cursor) => stored.has(cursor.channel)).map((cursor) => ({ group, cursor })),
  );
  const lastSeen = counts
    .map((item) => item.lastSeenAt)
    .filter((date): date is Date => date !== null)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  return {
    count: counts.reduce((sum, item) => sum + item.count, 0),
    lastSeenAt: lastSeen ?? null,
    readers,
    deadLetters: figures.deadLetters.filter((item) => item.eventType === eventType),
  };
}
