import { PowerDnsPlugin, type DnsPlugin, type DnsServerConfig, type FetchLike } from '@sdn/dns';
import { revealSecret, type SecretBox } from '@sdn/secrets';
import { nodeHttpFetch } from './node-http-fetch';

/**
 * One plugin instance per DNS server object and settings: a config change
 * (new url, key or ttl) yields a fresh instance, an unchanged server reuses
 * its instance (its read and write queues, which merge requests per zone).
 */
export class PluginRegistry {
  private readonly plugins = new Map<string, DnsPlugin>();

  /**
   * `secrets`: opens the sealed `key` of server objects (SDN_SECRET_KEY); only this service and the API's checks see it clear.
   * `fetch`: the HTTP client (default nodeHttpFetch).
   */
  constructor(private readonly opts: { fetch?: FetchLike; timeoutMs?: number; secrets?: SecretBox } = {}) {}

  readonly pluginFor = (serverId: string, server: DnsServerConfig): DnsPlugin => {
    const key = JSON.stringify([serverId, server.type, server.url, server.key, server.ttl, server.reversemaskv6]);
    let p = this.plugins.get(key);
    if (!p) {
      if (server.type !== 'powerdns') throw new Error(`dns server '${serverId}' has unsupported type '${server.type}'`);
      p = new PowerDnsPlugin({ ...server, key: revealSecret(server.key, this.opts.secrets) }, { fetch: this.opts.fetch ?? nodeHttpFetch, timeoutMs: this.opts.timeoutMs ?? 10_000 });
      this.plugins.set(key, p);
    }
    return p;
  };
}
