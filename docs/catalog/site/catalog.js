(() => {
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
      history.replaceState(null, "", hash ? `#${hash}` : location.pathname + location.search);
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
