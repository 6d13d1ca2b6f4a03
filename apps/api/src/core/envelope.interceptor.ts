import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import { ListFilterInterceptor } from '../auth/list-filter.interceptor';

/**
 * Every successful response is `{"data": …}` with status 200, like the
 * reference's (Nest would answer POST with 201, which Proxmox clients treat
 * as an error); `undefined` becomes null.
 */
const RAW_KEY = 'sdn:raw-response';

/** Outside the Proxmox API (e.g. /health for orchestrators): answer the value as is, no `{data}`. */
export const RawResponse = () => SetMetadata(RAW_KEY, true);

/**
 * The one global interceptor: it runs the list filter inside itself rather
 * than beside it, because Nest wraps every interceptor level of every request
 * in an async resource (AsyncResource.bind), a cost on each write.
 */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly listFilter: ListFilterInterceptor,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.reflector.getAllAndOverride<boolean>(RAW_KEY, [ctx.getHandler(), ctx.getClass()])) return next.handle();
    const res = ctx.switchToHttp().getResponse<{ statusCode: number }>();
    return this.listFilter.intercept(ctx, next).pipe(
      map((data) => {
        if (res.statusCode === 201) res.statusCode = 200;
        return { data: data === undefined ? null : data };
      }),
    );
  }
}
