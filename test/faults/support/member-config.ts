/** What a fault-suite member process (test/faults/fixtures/member.ts) is told, as JSON in argv. */
export interface MemberConfig {
  /** Database URL, possibly through a fault proxy. */
  readonly url: string;
  /** Written to `fault_handled.member` and the pool's application_name (`fault-member-<name>`). */
  readonly name: string;
  readonly group: string;
  readonly channels: readonly string[];
  readonly batchSize?: number;
  /** Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** The LISTEN heartbeat's interval and timeout. Default 500 ms. */
  readonly heartbeatMs?: number;
  /** How long the handler of an event with `data.pause` waits mid-batch. Default 500 ms. */
  readonly pauseMs?: number;
  /** Extra time each handler takes after its write, so batches are long enough to be killed mid-way. */
  readonly handlerDelayMs?: number;
  /** `false`: the member's own pool gets no `'error'` listener (Postbus's must keep it alive). */
  readonly poolErrorListener?: boolean;
  /** Further subscribe options (timeouts of the runtime under test). */
  readonly subscribe?: Readonly<Record<string, number | string | boolean>>;
}
