/**
 * `$dynamicRef` resolved statically: where a `$dynamicRef` lands depends on the dynamic scope, the schema
 * resources entered on the way to it, the outermost declaring the `$dynamicAnchor` winning. A scope here
 * is what decides that: anchor name → the schema it lands on. A definition reached under a scope other
 * than its own (the one it has when validated on its own) is built once more for that scope, so the IR
 * keeps plain `$ref`s and every emitter stays unchanged. Without dynamic `$dynamicRef`s every scope is
 * empty and nothing is specialized.
 */
import type { SchemaFile } from "../load/load-schemas.js";
import type { RefTarget } from "../validate/resolve-refs.js";
import type { ValidatedSchemas } from "../validate/validate-schemas.js";

/** Anchor name → where a dynamic `$dynamicRef` to it lands. */
export type DynamicScope = ReadonlyMap<string, RefTarget>;

/** The scope operations the IR builder needs; see the module comment. */
export interface DynamicScopes {
  /** The anchor names some `$dynamicRef` resolves dynamically. */
  readonly names: ReadonlySet<string>;
  /** The sites a dynamic `$dynamicRef` may land on (each a definition). */
  readonly anchorSites: readonly RefTarget[];
  /** The scope of the schema at `pointer` validated on its own: its file's resources down to it. */
  standalone(file: SchemaFile, pointer: string): DynamicScope;
  /** The scope at `pointer`, below `root` (whose scope is `scope`): the resources in between entered. */
  within(scope: DynamicScope, file: SchemaFile, root: string, pointer: string): DynamicScope;
  /** The scope after following a reference to `target`: its schema resource entered. */
  enter(scope: DynamicScope, target: RefTarget): DynamicScope;
  /** A stable text for a scope, for telling instances apart. */
  key(scope: DynamicScope): string;
}

const isWithin = (outer: string, pointer: string): boolean =>
  pointer === outer || pointer.startsWith(`${outer}/`);

/** The {@link DynamicScopes} of a validated schema set. */
export function dynamicScopes(validated: ValidatedSchemas): DynamicScopes {
  const names = new Set<string>();
  for (const target of validated.dynamicRefs.values())
    if (target.anchor !== undefined) names.add(target.anchor);
  /** Per file, its schema resources (root and `$id`s) as URI and pointer, outermost first. */
  const resources = new Map<SchemaFile, { uri: string; pointer: string }[]>();
  for (const [file, scan] of validated.scans) {
    resources.set(
      file,
      scan.resources
        .filter((resource) => !resource.uri.includes("#"))
        .sort((a, b) => a.pointer.length - b.pointer.length),
    );
  }
  const anchorSites: RefTarget[] = [];
  for (const uri of validated.dynamicAnchors) {
    const name = uri.slice(uri.indexOf("#") + 1);
    const target = validated.registry.get(uri);
    if (names.has(name) && target !== undefined) anchorSites.push(target);
  }

  const enterResource = (scope: DynamicScope, uri: string): DynamicScope => {
    let next: Map<string, RefTarget> | undefined;
    for (const name of names) {
      if (scope.has(name) || !validated.dynamicAnchors.has(`${uri}#${name}`)) continue;
      const target = validated.registry.get(`${uri}#${name}`);
      if (target === undefined) continue;
      next ??= new Map(scope);
      next.set(name, target);
    }
    return next ?? scope;
  };
  const along = (file: SchemaFile, root: string, pointer: string) =>
    (resources.get(file) ?? []).filter(
      (resource) => isWithin(resource.pointer, pointer) && isWithin(root, resource.pointer),
    );
  const within = (scope: DynamicScope, file: SchemaFile, root: string, pointer: string): DynamicScope =>
    names.size === 0
      ? scope
      : along(file, root, pointer).reduce((inner, resource) => enterResource(inner, resource.uri), scope);

  return {
    names,
    anchorSites,
    standalone: (file, pointer) => within(new Map(), file, "", pointer),
    within,
    enter: (scope, target) => {
      const innermost = along(target.file, "", target.pointer).at(-1);
      return innermost === undefined ? scope : enterResource(scope, innermost.uri);
    },
    key: (scope) =>
      JSON.stringify(
        [...scope.entries()]
          .map(([name, target]) => [name, target.file.file, target.pointer])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      ),
  };
}
