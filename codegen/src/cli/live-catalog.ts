/** `postbus docs --database-url`: the catalog files with the database's live figures added. */
import { fromPool } from "@postbus/client";
import type { ResolvedConfig } from "../config/config.js";
import { catalogEntries } from "../emit/catalog/catalog-entries.js";
import { addLiveFigures } from "../emit/catalog/live/add-live-figures.js";
import type { ContractModel, GeneratedFile } from "../ir/model.js";
import { connect, type DatabaseFlags } from "./connect.js";
import { readLiveFigures } from "./read-live-figures.js";

/** Reads the figures once and adds them to `files`. */
export async function liveCatalog(
  files: readonly GeneratedFile[],
  model: ContractModel,
  config: ResolvedConfig,
  flags: DatabaseFlags,
): Promise<GeneratedFile[]> {
  const connection = connect(flags);
  try {
    const url = new URL(String(flags["database-url"]));
    const database = `${url.hostname}${url.port ? `:${url.port}` : ""}${url.pathname}`;
    const figures = await readLiveFigures(fromPool(connection.pool), connection.bus.schema, database);
    return addLiveFigures(files, catalogEntries(model, config.compatibility), config.docs, figures);
  } finally {
    await connection.close();
  }
}
