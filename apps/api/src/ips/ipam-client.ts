import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, type NatsError } from 'nats';
import { IPAM_PATTERNS } from '@sdn/contracts';
import { type AllocateRequest, ipamRpcSubject, type IpRecord, MAX_ALLOCATE_EACH, type RpcResult } from '@sdn/ipam';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { ApiError } from '../core/api-error';
import { NatsService } from '../core/nats.service';

const enc = new TextEncoder();
const dec = new TextDecoder();

interface Waiting {
  body: AllocateRequest;
  field: string;
  resolve(v: IpRecord[]): void;
  reject(e: unknown): void;
}

/**
 * Request/reply to ipam-service (IPAM_PATTERNS, on the bus namespace) over the
 * API's one NATS connection. IPAM refusals (taken address, outside the subnet,
 * full) are the caller's problem: HTTP 400 with the words of the service.
 */
@Injectable()
export class IpamClient {
  private readonly log = new Logger('ipam-client');
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  /**
   * Allocation messages on their way at once. Callers that arrive meanwhile
   * wait and go together in the next message (`allocateEach`): a NATS
   * message and its reply cost both processes a socket write each, more than
   * the allocation itself, so under load they are shared. One caller alone
   * is sent at once. Two (`SDN_API_IPAM_IN_FLIGHT`) keeps both replicas of
   * docker-compose busy; bench:ipam measured 1, 2, 3, 4 and 8 and 2 was best.
   */
  private readonly maxInFlight: number;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly nats: NatsService,
  ) {
    this.maxInFlight = this.config.ipamInFlight;
  }

  private async request<T>(pattern: string, body: unknown): Promise<RpcResult<T>> {
    const nc = this.nats.current();
    if (!nc) throw new ApiError(503, 'ipam service unavailable: not connected to NATS');
    const m = await nc.request(ipamRpcSubject(this.config.busNamespace, pattern), enc.encode(JSON.stringify(body)), { timeout: 10_000 });
    return JSON.parse(dec.decode(m.data)) as RpcResult<T>;
  }

  async call<T>(pattern: string, body: unknown, onErrorField = 'ip'): Promise<T> {
    let r: RpcResult<T>;
    try {
      r = await this.request<T>(pattern, body);
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw new ApiError(503, `ipam service unavailable: ${(e as Error).message}`);
    }
    return unwrap(r, onErrorField);
  }

  /** IPAM_PATTERNS.allocate for one caller, batched with the callers of the same moment. */
  allocate(body: AllocateRequest, onErrorField: string): Promise<IpRecord[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ body, field: onErrorField, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length) {
      const batch = this.waiting.splice(0, MAX_ALLOCATE_EACH);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async send(batch: Waiting[]): Promise<void> {
    try {
      let results: RpcResult<IpRecord[]>[];
      if (batch.length === 1) results = [await this.request<IpRecord[]>(IPAM_PATTERNS.allocate, batch[0].body)];
      else {
        const r = await this.request<RpcResult<IpRecord[]>[]>(IPAM_PATTERNS.allocateEach, { requests: batch.map((w) => w.body) }).catch((e: NatsError) => {
          // An ipam-service older than allocateEach (during an upgrade): one message per caller.
          if (e.code !== ErrorCode.NoResponders) throw e;
          this.log.warn('ipam-service does not answer allocate-each; sending one request per caller');
          return null;
        });
        if (r === null) results = await Promise.all(batch.map((w) => this.request<IpRecord[]>(IPAM_PATTERNS.allocate, w.body)));
        else if (!r.ok) throw new Error(r.error);
        else results = r.data;
      }
      batch.forEach((w, i) => {
        try {
          w.resolve(unwrap(results[i], w.field));
        } catch (e) {
          w.reject(e);
        }
      });
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(503, `ipam service unavailable: ${(e as Error).message}`);
      for (const w of batch) w.reject(err);
    }
  }
}

function unwrap<T>(r: RpcResult<T> | undefined, field: string): T {
  if (!r) throw new ApiError(503, 'ipam service unavailable: no answer for this request');
  if (!r.ok) throw ApiError.params({ [r.field ?? field]: r.error });
  return r.data;
}
