import { IpamError } from '../plugin';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  /** Header names as sent on the wire (case kept, §6.4/§6.5). */
  headers: Record<string, string>;
  body?: unknown;
}

/** Injectable transport so plugins stay testable and free of framework imports. */
export type HttpClient = (req: HttpRequest) => Promise<unknown>;

/**
 * The reference serialises bodies as compact JSON with sorted keys; the conformance dumps
 * pin that byte-for-byte, so key order must not depend on object construction order.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** fetch-based client with the §6.2 error wording and a 30 s timeout. */
export function fetchHttpClient(timeoutMs = 30_000): HttpClient {
  return async (req) => {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body === undefined ? undefined : canonicalJson(req.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) {
      // Keep the server's own message too: "error text reaches the caller in words".
      let detail = '';
      try {
        const j = JSON.parse(text) as { message?: string; detail?: string };
        detail = j.message ?? j.detail ?? '';
      } catch {
        detail = text.slice(0, 200);
      }
      throw new IpamError(`Invalid response from server: ${res.status} ${res.statusText}${detail ? ` (${detail})` : ''}`);
    }
    if (text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new IpamError('api response is not a json');
    }
  };
}
