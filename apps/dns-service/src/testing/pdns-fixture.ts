import { execFile } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@sdn/contracts';
import type { DnsPlugin } from '@sdn/dns';
import { recordTestSecrets } from '@sdn/service-kit/testing';

const run = promisify(execFile);
const SCRIPTS = resolve(__dirname, '../../../../tools/pdns');

/** Why PowerDNS tests cannot run here, or undefined when they can. */
export function pdnsSkipReason(): string | undefined {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root: tools/pdns/start.sh needs root to install and run pdns_server';
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/**
 * A private PowerDNS (own ports, own directory, empty database) started via
 * tools/pdns/start.sh, so tests can stop and restart it without touching a
 * shared instance.
 */
export class PdnsFixture {
  readonly key = `test-${randomUUID().slice(0, 8)}`;
  dnsPort = 0;
  apiPort = 0;
  dir = '';
  private resolver = new Resolver({ timeout: 400, tries: 1 });

  get apiUrl(): string {
    return `http://127.0.0.1:${this.apiPort}/api/v1/servers/localhost`;
  }

  private env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, PDNS_DNS_PORT: String(this.dnsPort), PDNS_API_PORT: String(this.apiPort), PDNS_API_KEY: this.key, PDNS_DIR: this.dir, ...extra };
  }

  async start(opts: { reset?: boolean } = {}): Promise<void> {
    recordTestSecrets({ 'PowerDNS API key': this.key });
    if (!this.apiPort) {
      this.apiPort = await freePort();
      this.dnsPort = await freePort();
      this.dir = `/tmp/sdn-pdns-test-${process.pid}-${this.apiPort}`;
      this.resolver.setServers([`127.0.0.1:${this.dnsPort}`]);
    }
    await run('bash', [`${SCRIPTS}/start.sh`], { env: this.env(opts.reset ? { PDNS_RESET: '1' } : {}), timeout: 180_000 });
  }

  async stop(): Promise<void> {
    if (this.apiPort) await run('bash', [`${SCRIPTS}/stop.sh`], { env: this.env() });
  }

  /** Stops the server and removes its directory (database, config, logs). */
  async destroy(): Promise<void> {
    await this.stop();
    if (this.dir.startsWith('/tmp/sdn-pdns-test-')) await rm(this.dir, { recursive: true, force: true });
  }

  async api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(this.apiUrl + path, {
      method,
      headers: { 'X-API-Key': this.key, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  async createZone(name: string): Promise<void> {
    const fq = name.endsWith('.') ? name : `${name}.`;
    const r = await this.api('POST', '/zones', { name: fq, kind: 'Native', nameservers: [] });
    if (r.status !== 201 && r.status !== 409) throw new Error(`create zone ${fq}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  }

  /** Records of one rrset as PowerDNS stores them (by API, not DNS), sorted. */
  async rrsetContents(zone: string, name: string, type: string): Promise<string[]> {
    const r = await this.api('GET', `/zones/${zone}`);
    const set = (r.json?.rrsets ?? []).find((s: any) => s.name === name && s.type === type);
    return (set?.records ?? []).map((x: any) => x.content).sort();
  }

  /** DNS answers (sorted) or [] for NXDOMAIN/NODATA; other failures throw. */
  async query(kind: 'A' | 'AAAA' | 'PTR', nameOrIp: string): Promise<string[]> {
    try {
      const out = kind === 'A' ? await this.resolver.resolve4(nameOrIp) : kind === 'AAAA' ? await this.resolver.resolve6(nameOrIp) : await this.resolver.reverse(nameOrIp);
      return out.sort();
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
      throw e;
    }
  }
}

/** Polls until `check` returns true or `timeoutMs` passes; returns whether it did. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return true;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

let seq = 0;
/** An event envelope as the event store publishes it. */
export function envelope<P>(type: string, aggregateType: string, aggregateId: string, payload: P): EventEnvelope<P> {
  seq++;
  return {
    id: randomUUID(),
    seq,
    type,
    typeVersion: 1,
    aggregateType,
    aggregateId,
    aggregateVersion: seq,
    payload,
    actor: 'test@pve!dns',
    correlationId: randomUUID(),
    time: new Date().toISOString(),
  };
}

/** The plugin's methods bound to it, so they can be spread into a wrapper. */
export function bindAll(p: DnsPlugin): DnsPlugin {
  const out = {} as Record<string, unknown>;
  for (const k of Object.getOwnPropertyNames(Object.getPrototypeOf(p))) {
    const v = (p as unknown as Record<string, unknown>)[k];
    if (k !== 'constructor' && typeof v === 'function') out[k] = v.bind(p);
  }
  return out as unknown as DnsPlugin;
}
