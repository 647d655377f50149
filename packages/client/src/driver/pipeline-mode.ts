/**
 * node-postgres 8.23 and later can pipeline a client (`client.pipeline`): a statement is written
 * to the socket as soon as it is queued instead of after the previous one's answer. A consumer
 * batch turns it on for its own checked-out connection so that `BEGIN`, the claim and the
 * savepoint leave in one write and the batch waits for one round trip before its handlers run,
 * not two. Clients without the flag (older `pg`, other drivers) are left as they are: the batch
 * then runs statement by statement, as before.
 */
interface PipelineFlag {
  pipeline?: unknown;
  /** node-postgres's queues: statements not yet written, and written but not yet answered. */
  readonly _queryQueue?: readonly unknown[];
  readonly _sentQueryQueue?: readonly unknown[];
}

/**
 * Turns pipelining on for `client` if it supports it and is not pipelined already. Returns
 * whether it did (then {@link leavePipeline} must be called before the client is released).
 */
export function enterPipeline(client: object): boolean {
  const flagged = client as PipelineFlag;
  if (flagged.pipeline !== false) return false;
  flagged.pipeline = true;
  return true;
}

/**
 * Turns pipelining off again. Returns false when a statement is still queued or unanswered (a
 * handler that left one running past the end of its batch): switching modes then would pair the
 * answers with the wrong statements, so the connection must be discarded instead of reused.
 */
export function leavePipeline(client: object): boolean {
  const flagged = client as PipelineFlag;
  flagged.pipeline = false;
  return (flagged._queryQueue?.length ?? 0) === 0 && (flagged._sentQueryQueue?.length ?? 0) === 0;
}
