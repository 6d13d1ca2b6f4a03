import type { OpenApiDocument } from '@sdn/openapi';

/**
 * The panel's only way to the API: same origin, `/api2/json`, with either an
 * API token (Authorization header) or a ticket (PVEAuthCookie cookie, plus the
 * CSRFPreventionToken header on writes, as Proxmox's own UI does).
 */
export type Credentials = { kind: 'token'; tokenId: string; secret: string } | { kind: 'ticket'; username: string; ticket: string; csrf: string };

/** An API refusal: `errors` holds the 400 field messages ({field: message}). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const API_BASE = '/api2/json';
const OPENAPI_URL = '/api2/openapi.json';

export class ApiClient {
  constructor(
    private creds: Credentials | null,
    private readonly base = API_BASE,
    private readonly onUnauthorized: () => void = () => undefined,
  ) {}

  setCredentials(creds: Credentials | null): void {
    this.creds = creds;
  }

  get user(): string | undefined {
    if (!this.creds) return undefined;
    return this.creds.kind === 'token' ? this.creds.tokenId : this.creds.username;
  }

  async request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, params?: Record<string, unknown>): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const c = this.creds;
    if (c?.kind === 'token') headers.Authorization = `PVEAPIToken=${c.tokenId}=${c.secret}`;
    if (c?.kind === 'ticket' && method !== 'GET') headers.CSRFPreventionToken = c.csrf;
    let url = this.base + path;
    let body: string | undefined;
    const clean = params && Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== ''));
    if (clean && Object.keys(clean).length) {
      if (method === 'GET') url += (url.includes('?') ? '&' : '?') + new URLSearchParams(clean as Record<string, string>).toString();
      else {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(clean);
      }
    }
    const r = await fetch(url, { method, headers, body, credentials: 'same-origin' });
    const text = await r.text();
    let json: { data?: T; errors?: Record<string, string>; message?: string } = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      // not JSON: the status text below says what went wrong
    }
    if (!r.ok) {
      if (r.status === 401) this.onUnauthorized();
      throw new ApiError(r.status, json.message ?? (r.statusText || `HTTP ${r.status}`), json.errors ?? {});
    }
    return json.data as T;
  }

  get<T>(path: string, params?: Record<string, unknown>): Promise<T> {
    return this.request<T>('GET', path, params);
  }

  private doc?: Promise<OpenApiDocument>;

  /** The API's OpenAPI document (public, same origin), read once: the dialogs' fields follow it. */
  openApi(): Promise<OpenApiDocument> {
    this.doc ??= fetch(OPENAPI_URL, { headers: { Accept: 'application/json' } }).then(async (r) => {
      if (!r.ok) throw new ApiError(r.status, `${OPENAPI_URL}: HTTP ${r.status}`);
      return (await r.json()) as OpenApiDocument;
    });
    this.doc.catch(() => (this.doc = undefined));
    return this.doc;
  }
}

/** A human sentence for any thrown error (field errors listed). */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const fields = Object.entries(e.errors).map(([k, v]) => `${k}: ${v}`);
    return fields.length ? `${e.message} ${fields.join('; ')}` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
