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
  grid-template-columns: 2fr repeat(3, 1fr);
  gap: 0.5rem;
  margin: 1rem 0;
}
.filters input,
.filters select {
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
.graph {
  overflow-x: auto;
  border: 1px solid var(--line);
  border-radius: 8px;
  padding: 0.5rem;
}
.graph svg {
  max-width: none;
  height: auto;
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
 * The catalog's one script: filters the event list by a text search and by domain, producer and
 * consumer, from the index inlined in the page (works from file://, no fetch), and keeps the filters
 * in the URL fragment so a filtered list is a deep link. Formatted as Biome formats JavaScript.
 */
export const CATALOG_JS = `(() => {
  const dataElement = document.getElementById("catalog-data");
  if (!dataElement) return;
  const events = JSON.parse(dataElement.textContent || "[]");
  const form = document.getElementById("filters");
  const count = document.getElementById("count");
  const fields = ["q", "domain", "producer", "consumer"];
  const inputs = {};
  for (const name of fields) inputs[name] = form.elements.namedItem(name);

  const readHash = () => {
    const params = new URLSearchParams(location.hash.slice(1));
    for (const name of fields) {
      const value = params.get(name);
      if (value !== null) inputs[name].value = value;
    }
  };

  const writeHash = () => {
    const params = new URLSearchParams();
    for (const name of fields) if (inputs[name].value) params.set(name, inputs[name].value);
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
  };

  form.addEventListener("input", () => {
    apply();
    writeHash();
  });
  form.addEventListener("submit", (submitted) => submitted.preventDefault());
  window.addEventListener("hashchange", () => {
    readHash();
    apply();
  });
  readHash();
  apply();
})();
`;
