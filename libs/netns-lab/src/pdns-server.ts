import { execFile } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { recordTestSecrets } from '@sdn/service-kit/testing';
import { freePort } from './nats-server';

const run = promisify(execFile);
const SCRIPTS = resolve(__dirname, '../../../tools/pdns');

/** Why PowerDNS tests cannot run here, or undefined when they can. */
export function pdnsSkipReason(): string | undefined {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root: tools/pdns/start.sh needs root to install and run pdns_server';
  return undefined;
}

/**
 * A private PowerDNS (own ports, own directory, empty database) started via
 * tools/pdns/start.sh, so tests can stop and restart it without touching a
 * shared instance. Here, beside the lab's NATS server, so that the DNS
 * service's tests and the data-plane tests (DNS following DHCP leases) share it.
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
      this.apiPort = await freePort('127.0.0.1');
      this.dnsPort = await freePort('127.0.0.1');
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
