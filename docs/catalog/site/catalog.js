(() => {
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
      history.replaceState(null, "", hash ? `#${hash}` : location.pathname + location.search);
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
    const words = inputs.q.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const event of events) {
      const item = document.getElementById(`event-${event.slug}`);
      if (!item) continue;
      const visible = matches(event, words);
      item.hidden = !visible;
      if (visible) shown += 1;
    }
    count.textContent = `${shown} of ${events.length} event types`;
    let found = 0;
    for (const definition of definitions) {
      const item = document.getElementById(`found-${definition.anchor}`);
      if (!item) continue;
      const visible = words.length > 0 && words.every((word) => definition.text.includes(word));
      item.hidden = !visible;
      if (visible) found += 1;
    }
    definitionResults.hidden = found === 0;
    definitionCount.textContent = `${found} of ${definitions.length} shared definitions`;
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
    focusPage.href = `events/${chosen.slug}.html#neighbourhood`;
    focusPage.textContent = `open ${chosen.name}`;
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
    svg.setAttribute("viewBox", `${x} ${y} ${width} ${height}`);
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
