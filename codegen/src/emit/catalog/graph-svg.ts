import { type CatalogEntry, compareText } from "./catalog-entries.js";
import { escapeHtml } from "./escape.js";

const NODE_HEIGHT = 28;
const ROW_GAP = 12;
const COLUMN_GAP = 120;
const MARGIN = 16;
const CHAR_WIDTH = 7.2;
const HEADER = 28;

/** Where the graph's nodes link to, and which event it centres on. */
export interface GraphOptions {
  /** A slice node's page, relative to the page the graph is on; no link when absent. */
  readonly sliceHref?: ((slice: string) => string | undefined) | undefined;
  /** The event type the graph is the neighbourhood of: its node gets the class `focus`. */
  readonly focus?: string | undefined;
}

interface Node {
  readonly label: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
}

/**
 * The producer → event → consumer graph as SVG: producing slices in the left column, event types in
 * the middle, consuming slices on the right, curved edges. A request is joined to its reply and its
 * error reply by a dashed arc with an arrow on the right of the event column, labelled "reply" or
 * "error reply". Deterministic: sorted, fixed geometry.
 * Event nodes link to `<eventHref>/<slug>.html` (`eventHref` `"."` for sibling pages), slice nodes to
 * `options.sliceHref`; deprecated events are dashed. The `width` and `height` are the natural size;
 * the catalog's stylesheet scales the graph down to the width of a phone.
 */
export function graphSvg(
  entries: readonly CatalogEntry[],
  eventHref: string,
  options: GraphOptions = {},
): string {
  const producers = [...new Set(entries.flatMap((entry) => entry.producers))].sort(compareText);
  const consumers = [...new Set(entries.flatMap((entry) => entry.consumers))].sort(compareText);
  const widthOf = (labels: readonly string[]) =>
    Math.ceil(Math.max(60, ...labels.map((label) => label.length * CHAR_WIDTH + 20)));
  const producerWidth = widthOf(producers);
  const eventWidth = widthOf(entries.map((entry) => entry.eventType));
  const consumerWidth = widthOf(consumers);
  const xEvents = MARGIN + producerWidth + COLUMN_GAP;
  const xConsumers = xEvents + eventWidth + COLUMN_GAP;
  const column = (labels: readonly string[], x: number, width: number) =>
    new Map(
      labels.map((label, index) => [
        label,
        { label, x, y: HEADER + MARGIN + index * (NODE_HEIGHT + ROW_GAP), width },
      ]),
    );
  const producerNodes = column(producers, MARGIN, producerWidth);
  const eventNodes = column(
    entries.map((entry) => entry.eventType),
    xEvents,
    eventWidth,
  );
  const consumerNodes = column(consumers, xConsumers, consumerWidth);
  const rows = Math.max(producers.length, entries.length, consumers.length, 1);
  const width = xConsumers + consumerWidth + MARGIN;
  const height = HEADER + MARGIN * 2 + rows * (NODE_HEIGHT + ROW_GAP) - ROW_GAP;

  const edges: string[] = [];
  for (const entry of entries) {
    const event = eventNodes.get(entry.eventType) as Node;
    for (const producer of entry.producers)
      edges.push(edge(producerNodes.get(producer) as Node, event, "produces"));
    for (const consumer of entry.consumers)
      edges.push(edge(event, consumerNodes.get(consumer) as Node, "consumes"));
  }
  const replies: string[] = [];
  for (const entry of entries) {
    const request = eventNodes.get(entry.eventType) as Node;
    const { responseType, errorResponseType } = entry.latest;
    for (const [type, relation] of [
      [responseType, "reply"],
      [errorResponseType, "error reply"],
    ] as const) {
      const reply = type === undefined ? undefined : eventNodes.get(type);
      if (reply !== undefined && reply !== request) replies.push(replyEdge(request, reply, relation));
    }
  }
  const heading = (text: string, x: number) =>
    `<text class="heading" x="${x}" y="${MARGIN + 8}">${text}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="graph-title" font-family="system-ui, sans-serif" font-size="13">`,
    `<title id="graph-title">Which slices produce and consume which events</title>`,
    "<style>",
    ".node rect{stroke-width:1.5}.producer rect{fill:#e8f0fe;stroke:#3b6fd8}.consumer rect{fill:#e7f6ec;stroke:#2e8b57}",
    ".event rect{fill:#fff8e1;stroke:#b7791f}.event.deprecated rect{stroke-dasharray:4 3;fill:#f3f3f3}.event.focus rect{stroke-width:3}",
    ".edge{fill:none;stroke:#8a94a6;stroke-width:1.2}.heading{font-weight:600;fill:#333}text{fill:#1a1a1a}",
    ".reply{fill:none;stroke:#7c3aed;stroke-width:1.4;stroke-dasharray:5 3}.reply.error{stroke:#c2410c}",
    ".reply-label{font-size:11px;fill:#5b21b6;paint-order:stroke;stroke:#fff;stroke-width:3px}.reply-label.error{fill:#9a3412}",
    "</style>",
    ...(replies.length === 0
      ? []
      : [
          "<defs>",
          ...[
            ["reply-arrow", "#7c3aed"],
            ["error-reply-arrow", "#c2410c"],
          ].map(
            ([id, color]) =>
              `<marker id="${id}" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L8 4 L0 8 z" fill="${color}"/></marker>`,
          ),
          "</defs>",
        ]),
    heading("Producers", MARGIN),
    heading("Events", xEvents),
    heading("Consumers", xConsumers),
    `<g class="edges">`,
    ...edges,
    "</g>",
    ...(replies.length === 0 ? [] : [`<g class="replies">`, ...replies, "</g>"]),
    ...[...producerNodes.values()].map((node) => sliceNode(node, "producer", options.sliceHref)),
    ...entries.map((entry) =>
      eventNode(eventNodes.get(entry.eventType) as Node, entry, eventHref, options.focus),
    ),
    ...[...consumerNodes.values()].map((node) => sliceNode(node, "consumer", options.sliceHref)),
    "</svg>",
    "",
  ].join("\n");
}

function edge(from: Node, to: Node, relation: string): string {
  const x1 = from.x + from.width;
  const y1 = from.y + NODE_HEIGHT / 2;
  const x2 = to.x;
  const y2 = to.y + NODE_HEIGHT / 2;
  const mid = (x1 + x2) / 2;
  return `<path class="edge" data-relation="${relation}" data-from="${escapeHtml(from.label)}" data-to="${escapeHtml(to.label)}" d="M${x1} ${y1} C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}"/>`;
}

/**
 * A request → reply arc between two event nodes of the middle column: out of the request's right
 * edge and back into the reply's, bulging right in proportion to the distance, with its label at the
 * bulge.
 */
function replyEdge(request: Node, reply: Node, relation: "reply" | "error reply"): string {
  const x = request.x + request.width;
  const y1 = request.y + NODE_HEIGHT / 2 + (relation === "reply" ? -4 : 4);
  const y2 = reply.y + NODE_HEIGHT / 2 + (reply.y < request.y ? 4 : -4);
  const bulge = Math.round(Math.min(COLUMN_GAP * 0.6, 24 + Math.abs(y2 - y1) * 0.3));
  const error = relation === "error reply" ? " error" : "";
  const marker = relation === "reply" ? "reply-arrow" : "error-reply-arrow";
  // Right of the control points, which the arc never reaches: clear of this arc and of shorter ones.
  const labelX = x + bulge + 4;
  const labelY = Math.round((y1 + y2) / 2 + 4);
  return [
    `<path class="reply${error}" data-relation="${relation}" data-from="${escapeHtml(request.label)}" data-to="${escapeHtml(reply.label)}" marker-end="url(#${marker})" d="M${x} ${y1} C${x + bulge} ${y1} ${x + bulge} ${y2} ${x + 2} ${y2}"/>`,
    `<text class="reply-label${error}" x="${labelX}" y="${labelY}">${relation}</text>`,
  ].join("");
}

function sliceNode(node: Node, role: "producer" | "consumer", sliceHref: GraphOptions["sliceHref"]): string {
  const group = `<g class="node ${role}" data-slice="${escapeHtml(node.label)}">${box(node)}</g>`;
  const href = sliceHref?.(node.label);
  return href === undefined ? group : `<a href="${escapeHtml(href)}">${group}</a>`;
}

function eventNode(node: Node, entry: CatalogEntry, eventHref: string, focus: string | undefined): string {
  const className = `node event${entry.deprecated ? " deprecated" : ""}${entry.eventType === focus ? " focus" : ""}`;
  return `<a href="${eventHref}/${escapeHtml(entry.slug)}.html"><g class="${className}" data-event="${escapeHtml(entry.eventType)}">${box(node)}</g></a>`;
}

function box(node: Node): string {
  return `<rect x="${node.x}" y="${node.y}" width="${node.width}" height="${NODE_HEIGHT}" rx="6"/><text x="${node.x + 10}" y="${node.y + 18}">${escapeHtml(node.label)}</text>`;
}

/**
 * The event types of one event's neighbourhood: the event itself and the requests, replies and
 * error replies it is joined to, in catalog order. Drawn with {@link graphSvg}, which adds their
 * producing and consuming slices.
 *
 * @example
 * ```ts
 * neighbourhood(requested, entries).map((entry) => entry.eventType);
 * // ["risk.check.completed", "risk.check.rejected", "risk.check.requested"]
 * ```
 */
export function neighbourhood(entry: CatalogEntry, entries: readonly CatalogEntry[]): CatalogEntry[] {
  const { responseType, errorResponseType } = entry.latest;
  return entries.filter(
    (other) =>
      other === entry ||
      other.eventType === responseType ||
      other.eventType === errorResponseType ||
      other.latest.responseType === entry.eventType ||
      other.latest.errorResponseType === entry.eventType,
  );
}
