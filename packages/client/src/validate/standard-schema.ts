/**
 * The Standard Schema v1 interface (standardschema.dev), implemented by zod 4,
 * valibot, arktype and others. Postbus accepts any of them as a validator
 * without depending on one.
 */
export interface StandardSchemaV1<Output = unknown> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    validate(value: unknown): StandardResult<Output> | Promise<StandardResult<Output>>;
  };
}

/** The result of a Standard Schema `validate` call. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly StandardIssue[] };

/** One problem found by a Standard Schema validator. */
export interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/**
 * Event type → payload validator. Generated code fills it from the contracts;
 * any Standard Schema (for example a zod schema) works.
 *
 * @example
 * ```ts
 * const validators: ValidatorRegistry = { "signal.triggered": z.object({ symbol: z.string() }) };
 * ```
 */
export type ValidatorRegistry = Readonly<Record<string, StandardSchemaV1>>;
