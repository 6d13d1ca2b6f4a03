import { Inject, Injectable } from '@nestjs/common';
import { ipamRpcSubject, type RpcResult } from '@sdn/ipam';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { ApiError } from '../core/api-error';
import { NatsService } from '../core/nats.service';

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * Request/reply to ipam-service (IPAM_PATTERNS, on the bus namespace) over the
 * API's one NATS connection. IPAM refusals (taken address, outside the subnet,
 * full) are the caller's problem: HTTP 400 with the words of the service.
 */
@Injectable()
export class IpamClient {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly nats: NatsService,
  ) {}

  async call<T>(pattern: string, body: unknown, onErrorField = 'ip'): Promise<T> {
    const nc = this.nats.current();
    if (!nc) throw new ApiError(503, 'ipam service unavailable: not connected to NATS');
    let r: RpcResult<T>;
    try {
      const m = await nc.request(ipamRpcSubject(this.config.busNamespace, pattern), enc.encode(JSON.stringify(body)), { timeout: 10_000 });
      r = JSON.parse(dec.decode(m.data));
    } catch (e) {
      throw new ApiError(503, `ipam service unavailable: ${(e as Error).message}`);
    }
    if (!r.ok) throw ApiError.params({ [r.field ?? onErrorField]: r.error });
    return r.data;
  }
}
