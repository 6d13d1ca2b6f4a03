import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { ApiError } from '../core/api-error';

/** Request/reply to ipam-service (IPAM_PATTERNS). Replies are `{ok,data}|{ok:false,error}`. */
@Injectable()
export class IpamClient implements OnApplicationShutdown {
  private readonly client: ClientProxy;
  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [config.natsUrl] } });
  }

  async call<T>(pattern: string, body: unknown): Promise<T> {
    let r: { ok: boolean; data?: T; error?: string };
    try {
      r = await firstValueFrom(this.client.send(pattern, body).pipe(timeout(10_000)));
    } catch (e) {
      throw new ApiError(503, `ipam service unavailable: ${(e as Error).message}`);
    }
    if (!r.ok) throw new ApiError(400, r.error ?? 'ipam error');
    return r.data as T;
  }

  async onApplicationShutdown() {
    await this.client.close();
  }
}
