import { Inject, Injectable, Optional } from '@nestjs/common';
import { PowerDnsPlugin, type DnsPlugin, type DnsServerConfig, type FetchLike } from '@sdn/dns';
import { revealSecret } from '@sdn/secrets';
import { ApiError } from '../core/api-error';
import { SecretsService } from '../core/secrets.service';

/** Optional provider: the fetch used to reach DNS servers (tests inject a fake). */
export const DNS_VERIFY_FETCH = Symbol('DNS_VERIFY_FETCH');

/** Zone properties relevant here, as in the request (or as stored). */
export interface ZoneDnsProps {
  dns?: unknown;
  dnszone?: unknown;
  [key: string]: unknown;
}

/**
 * Checks, before a zone is written, that its forward DNS zone exists on its
 * DNS server (the reference's verify-zone call: `GET <url>/zones/<zone>?rrsets=false`).
 * The reference only discovers a missing zone when the first address is
 * registered; here every IP event is applied asynchronously by the DNS
 * service, so a zone pointing at a missing DNS zone is refused up front.
 */
@Injectable()
export class DnsZoneVerifier {
  constructor(
    @Optional() @Inject(DNS_VERIFY_FETCH) private readonly fetchFn?: FetchLike,
    @Optional() private readonly secrets?: SecretsService,
  ) {}

  /**
   * Call before creating/updating a zone. `request`: the request's object
   * properties; `existing`: the stored zone on update; `dnsServers`: the DNS
   * server objects by id. Checks when the request sets `dnszone` or `dns` and
   * both are effectively set. Leaves a missing `dns` or unknown server id to
   * the model's own rules (Z1, Z3), so their messages stay the reference's.
   * Throws ApiError (400, param `dnszone`) when the zone cannot be read.
   */
  async verifyZoneRequest(request: ZoneDnsProps, dnsServers: Record<string, DnsServerConfig | undefined>, existing?: ZoneDnsProps): Promise<void> {
    if (!has(request, 'dnszone') && !has(request, 'dns')) return;
    const dnszone = str(has(request, 'dnszone') ? request.dnszone : existing?.dnszone);
    const dnsId = str(has(request, 'dns') ? request.dns : existing?.dns);
    if (!dnszone || !dnsId) return;
    const server = dnsServers[dnsId];
    if (!server) return;
    try {
      await this.plugin(server).verifyZone(dnszone);
    } catch (e) {
      throw ApiError.param('dnszone', (e as Error).message);
    }
  }

  /** §3.6 I3 for DNS server create/update: `GET <url>` must succeed. Throws ApiError (400, param `url`). */
  async verifyServer(server: DnsServerConfig): Promise<void> {
    try {
      await this.plugin(server).verifyServer();
    } catch (e) {
      throw ApiError.param('url', (e as Error).message);
    }
  }

  private plugin(server: DnsServerConfig): DnsPlugin {
    if (server.type !== 'powerdns') throw new Error(`unsupported dns type '${server.type}'`);
    // Stored servers carry the sealed key; a request being checked carries it clear.
    const key = revealSecret(server.key, this.secrets?.box);
    // Short timeout: this runs inside an API request.
    return new PowerDnsPlugin({ ...server, key }, { fetch: this.fetchFn, timeoutMs: 5_000 });
  }
}

function has(o: ZoneDnsProps, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k) && o[k] !== undefined && o[k] !== null && o[k] !== '';
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : String(v);
}
