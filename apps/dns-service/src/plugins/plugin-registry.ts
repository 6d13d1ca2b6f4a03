import { PowerDnsPlugin, type DnsPlugin, type DnsServerConfig, type FetchLike } from '@sdn/dns';

/**
 * One plugin instance per DNS server object and settings: a config change
 * (new url, key or ttl) yields a fresh instance, an unchanged server reuses
 * its instance (and the HTTP keep-alive connections of the global fetch).
 */
export class PluginRegistry {
  private readonly plugins = new Map<string, DnsPlugin>();

  constructor(private readonly opts: { fetch?: FetchLike; timeoutMs?: number } = {}) {}

  readonly pluginFor = (serverId: string, server: DnsServerConfig): DnsPlugin => {
    const key = JSON.stringify([serverId, server.type, server.url, server.key, server.ttl, server.reversemaskv6]);
    let p = this.plugins.get(key);
    if (!p) {
      if (server.type !== 'powerdns') throw new Error(`dns server '${serverId}' has unsupported type '${server.type}'`);
      p = new PowerDnsPlugin(server, { fetch: this.opts.fetch, timeoutMs: this.opts.timeoutMs ?? 10_000 });
      this.plugins.set(key, p);
    }
    return p;
  };
}
