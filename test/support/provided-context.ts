/**
 * Values the global setup hands to test files through vitest's
 * `provide`/`inject`.
 */

/** Key under which the global setup provides the admin (superuser) database URL. */
export const ADMIN_URL_KEY = "postbusAdminUrl";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin connection URL: `DATABASE_URL` when set, else the embedded server. */
    [ADMIN_URL_KEY]: string;
  }
}
