/**
 * The few request/reply members the API uses, as Fastify (the HTTP adapter)
 * provides them. Kept structural so handlers, guards and filters do not
 * import the adapter.
 */
export interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  body?: unknown;
  params: Record<string, string>;
}

export interface HttpResponse {
  /** The Node response: its `statusMessage` is the HTTP reason phrase, where Proxmox clients read errors. */
  raw: { statusMessage: string };
  header(name: string, value: string): HttpResponse;
  status(code: number): HttpResponse;
  send(body: unknown): unknown;
}
