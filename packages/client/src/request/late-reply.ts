import type { StoredEvent } from "../envelope.js";

/** What `onLateReply` is told about a reply that came after its requester stopped waiting. */
export interface LateReply {
  /** The reply as stored. */
  readonly reply: StoredEvent;
  /** The request's `event_id`. */
  readonly requestId: string;
  /** The request's event type. */
  readonly requestType: string;
  /** How long after the request timed out the reply was found, in ms. */
  readonly lateByMs: number;
}
