/** The catalog's one stylesheet: readable on a phone, no web fonts. Formatted as Biome formats CSS. */
export const CATALOG_CSS = `:root {
  color-scheme: light;
  --fg: #1a1a1a;
  --muted: #5b6270;
  --line: #d9dde3;
  --accent: #2457c5;
  --warn: #a15c00;
  --bad: #b42318;
}
* {
  box-sizing: border-box;
}
body {
  margin: 0;
  font:
    15px / 1.5 system-ui,
    -apple-system,
    "Segoe UI",
    Roboto,
    sans-serif;
  color: var(--fg);
  background: #fff;
}
a {
  color: var(--accent);
}
.top {
  display: flex;
  flex-wrap: wrap;
  gap: 0.5rem 1rem;
  justify-content: space-between;
  align-items: center;
  padding: 0.6rem 1rem;
  border-bottom: 1px solid var(--line);
  background: #f7f8fa;
}
.top > a {
  font-weight: 600;
  text-decoration: none;
}
.top nav a {
  margin-left: 0.8rem;
}
main {
  max-width: 72rem;
  margin: 0 auto;
  padding: 1rem;
}
h1 {
  font-size: 1.6rem;
  margin: 0.4rem 0 0.6rem;
  word-break: break-word;
}
h2 {
  font-size: 1.25rem;
  margin-top: 2rem;
}
h3 {
  font-size: 1.05rem;
}
code,
pre {
  font:
    13px / 1.45 ui-monospace,
    SFMono-Regular,
    Menlo,
    Consolas,
    monospace;
}
pre {
  background: #f5f6f8;
  border: 1px solid var(--line);
  border-radius: 6px;
  padding: 0.7rem;
  overflow: auto;
}
.filters {
  display: grid;
  grid-template-columns: 2fr repeat(4, 1fr);
  gap: 0.5rem;
  margin: 1rem 0;
}
.filters input,
.filters select,
.graph-filter select {
  width: 100%;
  font: inherit;
  padding: 0.45rem 0.55rem;
  border: 1px solid var(--line);
  border-radius: 6px;
  background: #fff;
}
.count {
  color: var(--muted);
  margin: 0.3rem 0;
}
.events {
  list-style: none;
  padding: 0;
  margin: 0;
  display: grid;
  gap: 0.5rem;
}
.events li {
  border: 1px solid var(--line);
  border-radius: 8px;
  padding: 0.6rem 0.8rem;
}
.events li[hidden] {
  display: none;
}
.events .name {
  font-weight: 600;
  font-size: 1.05rem;
}
.meta {
  color: var(--muted);
  font-size: 0.9rem;
}
.badge {
  display: inline-block;
  font-size: 0.75rem;
  font-weight: 600;
  border-radius: 999px;
  padding: 0 0.5rem;
  margin-left: 0.4rem;
  vertical-align: middle;
  border: 1px solid;
}
.badge.deprecated {
  color: var(--bad);
  border-color: var(--bad);
}
.badge.breaking {
  color: var(--warn);
  border-color: var(--warn);
}
p.verdict {
  border-left: 4px solid var(--line);
  padding-left: 0.6rem;
}
p.verdict.breaking {
  border-left-color: var(--warn);
}
p.verdict.unproven {
  border-left-color: var(--muted);
}
a.verdict.breaking,
.finding.breaking > p > strong {
  color: var(--warn);
}
.findings > li {
  margin-bottom: 0.75rem;
}
/* Pointers, rules and counterexamples are long unbroken words: wrap them on a phone. */
.findings,
p.verdict {
  overflow-wrap: anywhere;
}
.findings pre {
  white-space: pre-wrap;
}
.table-wrap {
  overflow-x: auto;
}
table {
  border-collapse: collapse;
  width: 100%;
  margin: 0.5rem 0;
}
th,
td {
  border: 1px solid var(--line);
  padding: 0.35rem 0.5rem;
  text-align: left;
  vertical-align: top;
}
th {
  background: #f7f8fa;
}
td > :first-child {
  margin-top: 0;
}
td > :last-child {
  margin-bottom: 0;
}
td ul,
td ol {
  padding-left: 1.2rem;
  margin: 0.3rem 0;
}
dl.facts {
  display: grid;
  grid-template-columns: max-content 1fr;
  gap: 0.2rem 1rem;
}
dl.facts dt {
  font-weight: 600;
}
dl.facts dd {
  margin: 0;
}
.notice {
  border-left: 4px solid var(--bad);
  background: #fdf2f1;
  padding: 0.5rem 0.8rem;
}
/* The graph scales down to the width of its box, so a phone sees every column. */
.graph {
  border: 1px solid var(--line);
  border-radius: 8px;
  padding: 0.5rem;
}
.graph svg {
  display: block;
  max-width: 100%;
  height: auto;
}
.graph .outside {
  display: none;
}
.graph-filter {
  display: flex;
  flex-wrap: wrap;
  gap: 0.4rem 0.6rem;
  align-items: center;
  margin: 0.5rem 0;
}
.graph-filter select {
  width: auto;
  max-width: 100%;
}
.prose > :first-child {
  margin-top: 0;
}
.prose > :last-child {
  margin-bottom: 0;
}
.prose ul,
.prose ol {
  padding-left: 1.2rem;
  margin: 0.3rem 0;
}
.groups {
  list-style: none;
  padding: 0;
  display: flex;
  flex-wrap: wrap;
  gap: 0.4rem 1rem;
}
h1 .kind {
  display: block;
  color: var(--muted);
  font-size: 0.8rem;
  font-weight: 600;
  text-transform: uppercase;
  letter-spacing: 0.05em;
}
@media (max-width: 640px) {
  .filters {
    grid-template-columns: 1fr 1fr;
  }
  .filters .search {
    grid-column: 1 / -1;
  }
  main {
    padding: 0.6rem;
  }
  dl.facts {
    grid-template-columns: 1fr;
  }
  dl.facts dt {
    margin-top: 0.4rem;
  }
}
`;

/**
 * The catalog's one script: filters the event list by a text search and by domain, producer,
 * consumer and owner, lists the shared definitions the search matches, and narrows the graph to one
 * event's neighbourhood (the event, the requests and replies it is joined to, and their slices), all
 * from the index inlined in the page (works from file://, no fetch). The filters live in the URL
 * fragment, so a filtered list or graph is a deep link. Formatted as Biome formats JavaScript.
 */
export const CATALOG_JS = `(() => {
  const dataElement = document.getElementById("catalog-data");
  if (!dataElement) return;
  const data = JSON.parse(dataElement.textContent || "{}");
  const events = data.events || [];
  const definitions = data.definitions || [];
  const form = document.getElementById("filters");
  const count = document.getElementById("count");
  const definitionResults = document.getElementById("definition-results");
  const definitionCount = document.getElementById("definition-count");
  const focus = document.getElementById("graph-focus");
  const focusPage = document.getElementById("graph-focus-page");
  const svg = document.querySelector("#graph-view svg");
  const fullSize = svg && [svg.getAttribute("viewBox"), svg.getAttribute("height")];
  const fields = ["q", "domain", "producer", "consumer", "owner"];
  const inputs = {};
  for (const name of fields) inputs[name] = form.elements.namedItem(name);

  const readHash = () => {
    const params = new URLSearchParams(location.hash.slice(1));
    for (const name of fields) inputs[name].value = params.get(name) ?? "";
    if (focus) focus.value = params.get("focus") ?? "";
  };

  const writeHash = () => {
    const params = new URLSearchParams();
    for (const name of fields) if (inputs[name].value) params.set(name, inputs[name].value);
    if (focus?.value) params.set("focus", focus.value);
    const hash = params.toString();
    try {
      history.replaceState(null, "", hash ? \`#\${hash}\` : location.pathname + location.search);
    } catch {
      // Some browsers refuse to change the URL of a file:// page; the filters still work.
    }
  };

  const matches = (event, words) => {
    if (inputs.domain.value && event.domain !== inputs.domain.value) return false;
    if (inputs.producer.value && !event.producers.includes(inputs.producer.value)) return false;
    if (inputs.consumer.value && !event.consumers.includes(inputs.consumer.value)) return false;
    if (inputs.owner.value && !event.owners.includes(inputs.owner.value)) return false;
    return words.every((word) => event.text.includes(word));
  };

  const apply = () => {
    const words = inputs.q.value.trim().toLowerCase().split(/\\s+/).filter(Boolean);
    let shown = 0;
    for (const event of events) {
      const item = document.getElementById(\`event-\${event.slug}\`);
      if (!item) continue;
      const visible = matches(event, words);
      item.hidden = !visible;
      if (visible) shown += 1;
    }
    count.textContent = \`\${shown} of \${events.length} event types\`;
    let found = 0;
    for (const definition of definitions) {
      const item = document.getElementById(\`found-\${definition.anchor}\`);
      if (!item) continue;
      const visible = words.length > 0 && words.every((word) => definition.text.includes(word));
      item.hidden = !visible;
      if (visible) found += 1;
    }
    definitionResults.hidden = found === 0;
    definitionCount.textContent = \`\${found} of \${definitions.length} shared definitions\`;
  };

  const showAll = () => {
    for (const element of svg.querySelectorAll(".outside")) element.classList.remove("outside");
    for (const element of svg.querySelectorAll(".focus")) element.classList.remove("focus");
    svg.setAttribute("viewBox", fullSize[0]);
    svg.setAttribute("height", fullSize[1]);
  };

  // The neighbourhood: the event, the requests and replies joined to it, and their slices.
  const applyFocus = () => {
    if (!svg) return;
    showAll();
    const chosen = events.find((event) => event.name === focus.value && event.slug);
    focusPage.hidden = !chosen;
    if (!chosen) return;
    focusPage.href = \`events/\${chosen.slug}.html#neighbourhood\`;
    focusPage.textContent = \`open \${chosen.name}\`;
    const shown = new Set([chosen.name, ...chosen.linked]);
    const around = events.filter((event) => shown.has(event.name));
    const producers = new Set(around.flatMap((event) => event.producers));
    const consumers = new Set(around.flatMap((event) => event.consumers));
    const hide = (element, visible) =>
      (element.closest("a") || element).classList.toggle("outside", !visible);
    for (const node of svg.querySelectorAll("g.node.event")) {
      hide(node, shown.has(node.dataset.event));
      node.classList.toggle("focus", node.dataset.event === chosen.name);
    }
    for (const node of svg.querySelectorAll("g.node.producer")) hide(node, producers.has(node.dataset.slice));
    for (const node of svg.querySelectorAll("g.node.consumer")) hide(node, consumers.has(node.dataset.slice));
    for (const edge of svg.querySelectorAll("path.edge")) {
      const event = edge.dataset.relation === "produces" ? edge.dataset.to : edge.dataset.from;
      hide(edge, shown.has(event));
    }
    for (const reply of svg.querySelectorAll("path.reply")) {
      const visible = shown.has(reply.dataset.from) && shown.has(reply.dataset.to);
      hide(reply, visible);
      if (reply.nextElementSibling) hide(reply.nextElementSibling, visible);
    }
    // Crop below the lowest node left, so the graph is no taller than what it shows.
    let bottom = 0;
    for (const node of svg.querySelectorAll("g.node")) {
      if ((node.closest("a") || node).classList.contains("outside")) continue;
      const box = node.getBBox();
      bottom = Math.max(bottom, box.y + box.height);
    }
    const [x, y, width] = fullSize[0].split(" ");
    const height = Math.ceil(bottom + 16);
    svg.setAttribute("viewBox", \`\${x} \${y} \${width} \${height}\`);
    svg.setAttribute("height", String(height));
  };

  form.addEventListener("input", () => {
    apply();
    writeHash();
  });
  form.addEventListener("submit", (submitted) => submitted.preventDefault());
  focus?.addEventListener("change", () => {
    applyFocus();
    writeHash();
  });
  focus?.form?.addEventListener("submit", (submitted) => submitted.preventDefault());
  window.addEventListener("hashchange", () => {
    readHash();
    apply();
    applyFocus();
  });
  readHash();
  apply();
  applyFocus();
})();
`;
