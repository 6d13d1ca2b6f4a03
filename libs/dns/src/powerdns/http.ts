import { canonicalJson } from './canonical-json';

/** The subset of the WHATWG fetch this client uses; tests inject their own. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<{
  status: number;
  statusText: string;
  text(): Promise<string>;
}>;

export interface PowerDnsHttpOptions {
  /** Server url, e.g. `http://host:8081/api/v1/servers/localhost`; paths are appended. */
  url: string;
  key: string;
  fetch?: FetchLike;
  /** The reference's outbound client gives up after 30 s (§6.2). */
  timeoutMs?: number;
}

/**
 * A failed call. `status` is set for HTTP errors and absent for transport
 * errors (refused, timeout), so callers can tell "PowerDNS said no" from
 * "PowerDNS is unreachable" when deciding whether to retry.
 */
export class PowerDnsHttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PowerDnsHttpError';
  }
}

/**
 * HTTP transport of the PowerDNS plugin (§6.2, §6.6): the two headers the
 * reference sends, bodies as sorted-key compact JSON, non-2xx mapped to the
 * reference's error text, empty body = no result.
 */
export class PowerDnsHttp {
  private readonly base: string;
  private readonly fetchFn: FetchLike;

  constructor(private readonly opts: PowerDnsHttpOptions) {
    if (!/^https?:\/\//i.test(opts.url ?? '')) throw new PowerDnsHttpError(`unsupported url '${opts.url}' (only http and https)`);
    this.base = opts.url.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? (globalThis.fetch as unknown as FetchLike);
  }

  async request<T = unknown>(method: 'GET' | 'PATCH' | 'POST' | 'DELETE', path: string, data?: unknown): Promise<T | undefined> {
    // Header spelling and order as captured from the reference (expected.* files).
    const headers = { 'Content-Type': 'application/json; charset=UTF-8', 'X-API-Key': this.opts.key };
    let res;
    try {
      res = await this.fetchFn(this.base + path, {
        method,
        headers,
        body: data === undefined ? undefined : canonicalJson(data),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      // fetch reports "fetch failed"; the useful part (ECONNREFUSED, timeout, bad port) is the cause.
      const detail = cause?.code ? `${cause.code} ${cause.message ?? ''}` : (cause?.message ?? String((e as Error).message ?? e));
      throw new PowerDnsHttpError(detail.trim());
    }
    const text = await res.text();
    if (res.status < 200 || res.status > 299) {
      // The reference's text, plus PowerDNS' own reason when it sends one ("Name is out of zone"), for the logs.
      const detail = pdnsError(text);
      throw new PowerDnsHttpError(`Invalid response from server: ${res.status} ${res.statusText || reason(res.status)}`.trim() + (detail ? ` (${detail})` : ''), res.status);
    }
    if (!text) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new PowerDnsHttpError('api response is not a json', res.status);
    }
  }
}

function pdnsError(body: string): string | undefined {
  try {
    const e = (JSON.parse(body) as { error?: unknown }).error;
    return typeof e === 'string' ? e : undefined;
  } catch {
    return undefined;
  }
}

function reason(status: number): string {
  return ({ 401: 'Unauthorized', 404: 'Not Found', 422: 'Unprocessable Entity', 500: 'Internal Server Error' } as Record<number, string>)[status] ?? '';
}
