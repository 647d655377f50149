/**
 * What bounds each scenario's ratio: the extra work Postbus does per event or
 * per transaction, as found while building the suite. Printed in the report's
 * closing note next to the measured misses.
 */
export const BOUNDS: Readonly<Record<string, string>> = {
  publish:
    "Per event Postbus does more than a raw INSERT: name and JSON checks, an envelope with metadata and two UUIDs (~550 bytes stored instead of ~345; see the client-side µs/event under publishMany), the unique `event_id` (a uuid column and its partial unique index, for idempotent retries), `RETURNING id, tx, created_at, event_id`, an index on `(channel, tx, id)` with an 8-byte xid8 key (since 3 Dec 2026 the single-event insert is a plain `INSERT … VALUES`, with no `set_config`, and the wake-up trigger is a row trigger whose `WHEN (NEW.event_id IS NULL)` skips Postbus's rows without calling plpgsql) — and, with wake-ups on, one `SELECT pg_notify(…)` transaction after commit per burst. A `NOTIFY` makes PostgreSQL assign a transaction id, so that wake-up is a second commit record; since commit 1e19f93 its transaction sets `synchronous_commit = off`, so it no longer waits for a WAL flush, but with one publisher nothing is coalesced and every publish still pays a second statement and commit record; with 8 it is one per burst. The reference rows separate the parts: *wakeups: off* removes the NOTIFY, and *Postbus's INSERT statement sent from raw pg (named)* removes the client-side work. Measured separately with pgbench on this server (one client, statements only, 26 Nov 2026): the raw INSERT of the full ~550-byte envelope runs at ~0.9–0.95× the raw INSERT of the bare payload, and Postbus's INSERT statement at ~0.75× of it when prepared once but ~0.4–0.5× when parsed and planned on every call, which is what node-postgres does with unnamed statements — the ROWS FROM / jsonb_array_elements / ORDER BY / RETURNING statement is costlier to plan than `INSERT … VALUES`; the trigger is ~5–10%. Since commit ee2dd8b Postbus runs its insert (and its consumer statements) as named statements, planned once per connection; runs before it re-planned every call.",
  "publish-many":
    "The batch insert statement (ROWS FROM unnest + jsonb_array_elements of one JSON array, ordinality, ORDER BY, RETURNING) is close to the raw unnest; most of the gap is client-side CPU: Postbus checks, wraps and serializes every event (µs per event shown below) on the same 2 cores PostgreSQL uses, plus the larger envelope written to the table and WAL.",
  "publish-in-tx":
    "The baseline transaction does one small business INSERT; adding an event doubles the rows, index entries and WAL of the transaction, so even a raw INSERT of the event lands far below 0.90 (see its reference row): the 0.90 target cannot hold for a one-statement transaction on this machine whatever the wake-up design. What the wake-up design adds on top is measured by the *wakeups: off* reference: for an event written in the caller's transaction Postbus cannot see the commit, so its notifier polls `pg_xact_status` for the pending transaction ids (every 1 ms while new ones keep arriving, as they do at hundreds of transactions per second) and, once they commit, sends a `pg_notify` in a transaction of its own, which PostgreSQL gives a transaction id and a commit record (not flushed: it commits with `synchronous_commit = off`). At this rate that is on the order of a thousand extra statements per second on the same 2 cores; compare Postbus with the *raw INSERT + pg_notify* row, the cost the design exists to avoid.",
  latency:
    "A Postbus delivery is one consumer transaction: the advisory-lock lease, one read statement that also reads the group's state, a savepoint, the handler, a cursor compare-and-set and commit — about 6 round trips against the raw reader's 4 — and reads only below the server-wide `pg_snapshot_xmin`, so any transaction open anywhere on the server (including other databases and the after-commit NOTIFY transactions themselves) holds delivery back until it ends; a woken reader that finds its event behind the horizon retries after 2 ms, doubling. On this shared server other work's transactions show up in Postbus's tail and not in the raw reader's.",
  "fan-out":
    "Every group runs its own transaction per batch (lease, read, savepoint, cursor update, commit) on a shared pool of 10 connections; 64 groups are 64 readers competing for 2 cores with the publisher and PostgreSQL. Publisher rate: the groups' reads and cursor writes run on the same 2 cores as the publishers; at a publisher's pace each wake-up delivers a batch of one or a few events, so every published event costs each group a whole consumer transaction (~6 statements) while the publisher spends ~2 on it. The publisher cannot keep 0.97 of its idle rate on 2 shared cores unless delivery is nearly free (a raw reader was not measured in this cell). Delivery: each Postbus batch costs ~6 statements against the raw reader's 4, and the wider read (group state + horizon) per batch. The target's *N × raw cursor read* is measured as N raw readers running at once on the same machine (a stricter reading, N × one reader's rate, would be out of reach for both sides on 2 cores); the delivery clock starts before the burst is published, so Postbus's larger client-side publish cost (µs/event under publishMany) is charged to its delivery.",
  "catch-up":
    "readEvents is one statement per page, like the raw keyset read, and returns the same rows. The consumer group adds per batch the lease, savepoint and cursor update, and per event the envelope mapping and handler call. The 1% channel is read by its own index range `(channel, tx, id)`, so its speed does not depend on the busy channel's volume; per page costs are the same, but the 1,000-event channel needs 2 statements (a full page, then an empty one) for its 1,000 events where the busy channel needs 101 for 100,000, so its fixed per-statement costs weigh about twice as much per event.",
  peers:
    "Postbus's delivery waits for a PostgreSQL commit on both sides (publish and the consumer's cursor), Redis Streams acknowledges from memory (fsync depends on its appendonly settings), NATS JetStream acknowledges once the message is in its file store (fsync on its sync interval), RabbitMQ confirms persistent messages in fsync batches. pg-boss polls (0.5 s at least), so its latency is bounded by its polling interval.",
  correctness:
    "Correctness failures fail the run; the 1% channel's latency is a target. A Postbus reader only reads below the oldest running transaction. When the quiet channel's wake-up arrives while a busy-channel transaction that started earlier is still committing, the read finds nothing and the group retries after 2 ms (doubling up to the poll interval; 5 ms before the last run); the busy channel's group is woken again by the next busy commit within a millisecond or two, the quiet one is not. So a quiet channel next to a busy one pays that retry more often than the busy one: its p50 rises (and, with few samples, often its p99; see the chart). Catch-up reads of a quiet channel are a separate cell under the catch-up scenario.",
  "request-reply":
    "A Postbus round trip is two durable commits (the request; then the reply together with the responder group's cursor, in its batch transaction) plus the batch's statements (begin, lease and read in one call, savepoint, reply insert, cursor, commit), the after-commit NOTIFY of each side (a transaction of its own, after the commit), and one reply lookup by request id. The baseline, the raw durable request-reply (request row + NOTIFY in one statement, reply row + NOTIFY in one statement, reply read by primary key: two flushed commits, no cursor, no exactly-once, no takeover), is the floor of durability; Postbus's remaining gap to it is the consumer-group transaction (lease, gap-safe read, savepoint, cursor: four more round trips) that gives answered-once and takeover, and the separate NOTIFY transaction of each side. The bare NOTIFY ping-pong reference commits nothing durable. The 16-in-flight rate is bounded by the same per-batch cost, amortized over the requests a batch finds.",
  codegen:
    "Prettier formats what is not already laid out as it prints it (most registry members and validators are written as is), then the catalog and the example checks dominate the full generate; --watch re-emits only what changed.",
};

/**
 * Ratios of the full runs made while the suite was built (26 Nov 2026, same
 * machine), to show how far one run's ratio can be trusted here.
 */
export const VARIATION = `## Run-to-run variation on this machine

The full runs made while the suite was built (26 Nov 2026, same machine, other work running on it).
Runs A and B measured Postbus before commit ee2dd8b (named statements), C and D after it, E (the run
above) also after 1e19f93 (wake-up NOTIFYs commit without a WAL flush; empty-wake re-read from 2 ms). Runs A–E counted the throughput of
multi-worker cells with lost updates (\`units += await …\` read the counter before the await; fixed in
9689729): in those runs the 8-publisher, in-transaction and fan-out publisher rates (and the latency
scenario's ceiling) understate both sides, by different amounts. F is the first without that error.
G (the run above) also gives the raw baselines named statements, as Postbus has since ee2dd8b (worth
~1.3–1.4× to a raw INSERT here, so Postbus's publish ratios drop), and runs the latency scenario's second
rate at half of the lower of the two ceilings. Treat a single run's ratio as good to about ±0.2.

| cell | A 17:41 | B 17:55 | C 18:07 | D 18:16 | E 18:30 | F 18:44 | G 19:10 |
| --- | --- | --- | --- | --- | --- | --- | --- |
| publish, 1 publisher | 0.30 | 0.32 | 0.76 | 0.53 | 0.61 | 0.52 | 0.45 |
| publish, 8 publishers | 0.45 | 0.34 | 0.44 | 0.65 | 0.81 | 0.76 | 0.49 |
| publishMany 100 / 1000 | 0.67 / 0.95 | 0.61 / 0.76 | 0.75 / 0.70 | 0.69 / 0.80 | 0.62 / 0.77 | 0.72 / 0.74 | 0.66 / 0.73 |
| publish in the caller's transaction | 0.23 | 0.26 | 0.34 | 0.31 | 0.32 | 0.32 | 0.38 |
| latency p99 at 200 events/s | 1.89 | 1.54 | 1.43 | 1.10 | 1.35 | 1.53 | 1.30 |
| fan-out publisher, 1 / 64 groups | 0.65 / 0.51 | 0.64 / 0.41 | 0.42 / 0.32 | 0.84 / 0.40 | 0.56 / 0.35 | 0.33 / 0.33 | 0.48 / 0.30 |
| catch-up readEvents / consumer group | 0.79 / 0.58 | 0.90 / 0.57 | 0.86 / 0.51 | 1.13 / 0.66 | 0.84 / 0.60 | 1.06 / 0.68 | 1.05 / 0.66 |
`;
