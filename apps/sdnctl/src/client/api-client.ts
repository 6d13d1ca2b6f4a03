import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { randomUUID } from 'node:crypto';
import { UsageError } from '../args';
import { EXIT } from '../cli/exit-codes';
import type { Connection } from './settings';

/** The API refused the request (HTTP status ≥ 400): its message and Proxmox's per-field `errors`. */
export class ApiError extends UsageError {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: Record<string, string> = {},
  ) {
    const fields = Object.entries(errors).map(([k, v]) => `\n  ${k}: ${v}`).join('');
    super(`${detail} (HTTP ${status})${fields}`, EXIT.REFUSED);
  }
}

/** The API could not be reached or its certificate is not the expected one. */
export class ConnectionError extends UsageError {
  constructor(message: string) {
    super(message, EXIT.UNREACHABLE);
  }
}

export type Params = Record<string, string | number | boolean | readonly (string | number)[] | undefined>;

/** Normalised `AB:CD:…` upper-case form; accepts plain hex too. */
export function normaliseFingerprint(fp: string): string {
  const hex = fp.replace(/^sha256[:=]?/i, '').replace(/[^0-9a-f]/gi, '').toUpperCase();
  if (hex.length !== 64) throw new UsageError(`fingerprint must be 32 bytes of hex (SHA-256), got '${fp}'`);
  return hex.match(/../g)!.join(':');
}

/**
 * A small client for the Proxmox-style REST API: `{data}` envelope, token
 * or ticket authentication, TLS with a CA file or a pinned certificate
 * fingerprint. Uses node:http(s) directly because global fetch cannot take
 * a CA or check a fingerprint without importing undici.
 */
export class ApiClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  /** Sent as X-Correlation-Id with every request of this run, so `sdnctl events --correlation` finds them. */
  readonly correlationId: string;

  constructor(
    private readonly conn: Connection,
    opts: { correlationId?: string } = {},
  ) {
    let u: URL;
    try {
      u = new URL(conn.url);
    } catch {
      throw new UsageError(`invalid API URL '${conn.url}' (expected e.g. https://pve1:8006)`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`API URL must be http:// or https://, got '${conn.url}'`);
    u.pathname = u.pathname.replace(/\/+$/, '').replace(/\/api2\/json$/, '');
    this.base = u;
    this.correlationId = opts.correlationId ?? randomUUID();
    if (u.protocol === 'https:') {
      const pinned = conn.fingerprint ? normaliseFingerprint(conn.fingerprint) : undefined;
      let ca: Buffer | undefined;
      if (conn.ca) {
        try {
          ca = fs.readFileSync(conn.ca);
        } catch (e) {
          throw new UsageError(`cannot read CA file ${conn.ca}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      }
      // With a pinned fingerprint the chain is not checked (self-signed is the point); the pin is, on every new connection.
      this.agent = new https.Agent({ keepAlive: true, ca, rejectUnauthorized: !pinned });
      if (pinned) this.pin = pinned;
    } else {
      this.agent = new http.Agent({ keepAlive: true });
    }
  }

  private pin?: string;

  get baseUrl(): string {
    return this.base.toString().replace(/\/$/, '');
  }

  close(): void {
    this.agent.destroy();
  }

  private authHeaders(method: string): Record<string, string> {
    if (this.conn.token) return { Authorization: `PVEAPIToken=${this.conn.token}` };
    const t = this.conn.ticket;
    if (t) {
      const h: Record<string, string> = { Cookie: `PVEAuthCookie=${encodeURIComponent(t.ticket)}` };
      if (method !== 'GET') h.CSRFPreventionToken = t.csrf;
      return h;
    }
    return {};
  }

  /** One request to `/api2/json<path>`; resolves `data`, throws ApiError on refusal. */
  async call<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', apiPath: string, params: Params = {}, opts: { anonymous?: boolean } = {}): Promise<T> {
    const body = await this.raw(method, `/api2/json${apiPath.startsWith('/') ? apiPath : `/${apiPath}`}`, params, opts);
    return (body as { data: T }).data;
  }

  /** A request outside the envelope (e.g. `/health`); resolves the parsed JSON. */
  async raw(method: string, fullPath: string, params: Params = {}, opts: { anonymous?: boolean } = {}): Promise<unknown> {
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    const u = new URL(this.base.toString());
    u.pathname = `${u.pathname.replace(/\/$/, '')}${fullPath.split('?')[0]}`;
    const headers: Record<string, string> = { Accept: 'application/json', 'X-Correlation-Id': this.correlationId, ...(opts.anonymous ? {} : this.authHeaders(method)) };
    let payload: string | undefined;
    if (method === 'GET' || method === 'DELETE') {
      for (const [k, v] of Object.entries(clean)) {
        if (Array.isArray(v)) for (const x of v) u.searchParams.append(k, String(x));
        else u.searchParams.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
      }
    } else {
      payload = JSON.stringify(clean);
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const { status, text } = await this.send(u, method, headers, payload);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      if (status >= 400) throw new ApiError(status, text.trim().slice(0, 300) || http.STATUS_CODES[status] || 'error');
      throw new ConnectionError(`${u.origin} did not answer JSON (is it the SDN API?)`);
    }
    if (status >= 400) {
      const j = (json ?? {}) as { message?: string; errors?: Record<string, string> };
      const msg = (typeof j.message === 'string' && j.message.trim()) || http.STATUS_CODES[status] || 'error';
      throw new ApiError(status, `${method} ${fullPath}: ${msg.trim()}`, j.errors && typeof j.errors === 'object' ? j.errors : {});
    }
    return json;
  }

  private send(u: URL, method: string, headers: Record<string, string>, payload?: string): Promise<{ status: number; text: string }> {
    const mod = u.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(u, { method, headers, agent: this.agent, timeout: 60_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('socket', (socket) => {
        if (!this.pin) return;
        const check = () => {
          const cert = (socket as TLSSocket).getPeerCertificate();
          const got = cert?.fingerprint256?.toUpperCase();
          if (got !== this.pin) req.destroy(new ConnectionError(`certificate of ${u.host} has fingerprint ${got ?? 'none'}, expected the pinned ${this.pin}`));
        };
        if ((socket as TLSSocket).encrypted && !(socket as TLSSocket).connecting && (socket as TLSSocket).getPeerCertificate) {
          // A kept-alive socket was checked when it connected.
          if (!(socket as TLSSocket & { sdnctlPinned?: boolean }).sdnctlPinned) check();
        } else {
          socket.once('secureConnect', () => {
            (socket as TLSSocket & { sdnctlPinned?: boolean }).sdnctlPinned = true;
            check();
          });
        }
      });
      req.on('timeout', () => req.destroy(new ConnectionError(`${u.origin}: no answer in 60 s`)));
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (e instanceof UsageError) return reject(e);
        const hint = /self.signed|unable to verify|certificate/i.test(e.message) ? ' (give the CA with --ca / SDN_CA_FILE or pin it with --fingerprint / SDN_FINGERPRINT)' : '';
        reject(new ConnectionError(`cannot reach the API at ${u.origin}: ${e.code ?? ''}${e.code ? ' ' : ''}${e.message}${hint}`));
      });
      if (payload) req.write(payload);
      req.end();
    });
  }
}
