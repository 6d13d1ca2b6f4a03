/**
 * The few Express request/response members we use. @types/express is not a
 * dependency of the workspace, so these structural types stand in for it.
 */
export interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  body?: unknown;
  params: Record<string, string>;
}

export interface HttpResponse {
  statusMessage: string;
  setHeader(name: string, value: number | string | readonly string[]): unknown;
  status(code: number): HttpResponse;
  json(body: unknown): unknown;
}
