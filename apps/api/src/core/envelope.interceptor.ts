import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { map, type Observable } from 'rxjs';

/**
 * Every successful response is `{"data": …}` with status 200, like the
 * reference's (Nest would answer POST with 201, which Proxmox clients treat
 * as an error); `undefined` becomes null.
 */
const RAW_KEY = 'sdn:raw-response';

/** Outside the Proxmox API (e.g. /health for orchestrators): answer the value as is, no `{data}`. */
export const RawResponse = () => SetMetadata(RAW_KEY, true);

@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.reflector.getAllAndOverride<boolean>(RAW_KEY, [ctx.getHandler(), ctx.getClass()])) return next.handle();
    const res = ctx.switchToHttp().getResponse<{ statusCode: number }>();
    return next.handle().pipe(
      map((data) => {
        if (res.statusCode === 201) res.statusCode = 200;
        return { data: data === undefined ? null : data };
      }),
    );
  }
}
