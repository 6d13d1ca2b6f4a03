import type { HttpMethod, JsonSchema } from './types';

/** A parameter of an operation: its schema, and whether it must be given. */
export type ParamSpec = Omit<JsonSchema, 'required'> & { required?: boolean };

/** Who may call an operation (401/403 follow from it). */
export type Access = 'public' | 'user' | { privs: readonly string[]; path: string; filtered?: boolean };

/**
 * One operation of the route table, before it becomes OpenAPI. `params` go
 * to the query string for GET and DELETE and to the body (JSON or form) for
 * POST and PUT, where the reference's clients put them.
 */
export interface OperationSpec {
  method: HttpMethod;
  /** Proxmox-style path with {param} templates, below /api2/json unless `root`. */
  path: string;
  root?: boolean;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  /** Path parameters that say more than the shared ones (PATH_PARAMS). */
  pathParams?: Record<string, JsonSchema>;
  params?: Record<string, ParamSpec>;
  /** A whole request body schema (SDN objects: one schema per plugin type). */
  body?: JsonSchema;
  /** The answer's `data`. */
  data: JsonSchema;
  /** Answered as is, not in `{data}` (health, metrics, this document). */
  raw?: { contentType: string };
  /** Statuses besides 400/401/403/404/5XX this operation answers (429, 503). */
  statuses?: number[];
}
