import type { ResolvedConfig } from "../../config/config.js";
import type { CodeParties } from "../../ir/code-parties.js";
import type { ContractModel, GeneratedFile } from "../../ir/model.js";
import { catalogEntries, compareText } from "./catalog-entries.js";
import { emitMarkdown } from "./emit-markdown.js";
import { emitSite } from "./emit-site.js";

/**
 * The event catalog from the model, under `config.docs`: Markdown (`index.md`, `definitions.md`,
 * `events/<event-type>.md`) and a static HTML site (`site/`). Pure and deterministic: same model,
 * same bytes; sorted by path. Each version is checked against the one before it with
 * `postbus check`'s rules, once for both formats. With `parties` (the code's producers and
 * consumers, `postbus scan`), those are merged with the declared ones and each is marked with
 * where it is known from.
 *
 * @example
 * ```ts
 * const { model } = await generate(config);
 * const files = emitCatalog(model!, config); // docs/catalog/index.md, docs/catalog/site/index.html, …
 * ```
 */
export function emitCatalog(
  model: ContractModel,
  config: ResolvedConfig,
  parties?: CodeParties,
): GeneratedFile[] {
  const entries = catalogEntries(model, config.compatibility, parties);
  return [...emitMarkdown(model, config, entries), ...emitSite(model, config, entries)].sort((a, b) =>
    compareText(a.path, b.path),
  );
}
