import { randomUUID } from 'node:crypto';
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

  /**
   * One request, sent again while it cannot have reached an IPAM replica (not connected, no
   * responders: a replica or NATS server died or restarts) and, when `resend` says the request
   * is safe to repeat, also after a timeout (the replica that had it may have died after
   * committing). Gives up after SDN_API_IPAM_RETRY_MS.
   */
  private async request<T>(pattern: string, body: unknown, resend?: (body: unknown) => unknown): Promise<RpcResult<T>> {
    const deadline = Date.now() + this.config.ipamRetryMs;
    const subject = ipamRpcSubject(this.config.busNamespace, pattern);
    for (let attempt = 1, pause = 100; ; attempt++, pause = Math.min(pause * 2, 2000)) {
      try {
        const nc = this.nats.current();
        if (!nc) throw new ApiError(503, 'ipam service unavailable: not connected to NATS');
        const m = await nc.request(subject, enc.encode(JSON.stringify(attempt > 1 && resend ? resend(body) : body)), { timeout: 10_000 });
        return JSON.parse(dec.decode(m.data)) as RpcResult<T>;
      } catch (e) {
        if (!sendAgain(e, !!resend) || Date.now() + pause > deadline) throw e;
        // One string, as every API Nest logger line: a second argument would be taken for the context.
        this.log.warn(`ipam request ${pattern} not answered (attempt ${attempt}: ${(e as Error).message}); sending it again`);
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  async call<T>(pattern: string, body: unknown, onErrorField = 'ip', opts: { repeatable?: boolean } = {}): Promise<T> {
    let r: RpcResult<T>;
    try {
      r = await this.request<T>(pattern, body, opts.repeatable ? (b) => b : undefined);
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw new ApiError(503, `ipam service unavailable: ${(e as Error).message}`);
    }
    return unwrap(r, onErrorField);
  }

  /** IPAM_PATTERNS.allocate for one caller, batched with the callers of the same moment. */
  allocate(body: AllocateRequest, onErrorField: string): Promise<IpRecord[]> {
    // The built-in IPAM finds a request again by its id (see AllocateRequest.requestId).
    const request = body.ipam ? body : { ...body, requestId: randomUUID() };
    return new Promise((resolve, reject) => {
      this.waiting.push({ body: request, field: onErrorField, resolve, reject });
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
      // Repeatable after a timeout only when every request in the message carries its id.
      const repeatable = batch.every((w) => w.body.requestId);
      const again = (b: AllocateRequest): AllocateRequest => ({ ...b, retry: true });
      let results: RpcResult<IpRecord[]>[];
      if (batch.length === 1) results = [await this.request<IpRecord[]>(IPAM_PATTERNS.allocate, batch[0].body, repeatable ? (b) => again(b as AllocateRequest) : undefined)];
      else {
        const each = { requests: batch.map((w) => w.body) };
        const r = await this.request<RpcResult<IpRecord[]>[]>(IPAM_PATTERNS.allocateEach, each, repeatable ? () => ({ requests: each.requests.map(again) }) : undefined);
        if (!r.ok) throw new Error(r.error);
        results = r.data;
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

/**
 * Whether a failed request may be sent again: never delivered (no connection, no responders,
 * the connection closed or is reconnecting) always; timed out only when it is `repeatable`.
 */
function sendAgain(e: unknown, repeatable: boolean): boolean {
  if (e instanceof ApiError) return e.status === 503;
  const code = (e as NatsError).code;
  if (code === ErrorCode.NoResponders || code === ErrorCode.Disconnect || code === ErrorCode.ConnectionClosed || code === ErrorCode.ConnectionDraining) return true;
  return code === ErrorCode.Timeout && repeatable;
}

function unwrap<T>(r: RpcResult<T> | undefined, field: string): T {
  if (!r) throw new ApiError(503, 'ipam service unavailable: no answer for this request');
  if (!r.ok) throw ApiError.params({ [r.field ?? field]: r.error });
  return r.data;
}
