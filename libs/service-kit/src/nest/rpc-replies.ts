import { type ArgumentsHost, Catch, type PipeTransform, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { type Observable, throwError } from 'rxjs';
import { UnreadableRequest } from './bus-nats-server';

/** A refusal in words, as every worker's request/reply answers it. */
export interface RpcRefusal {
  ok: false;
  error: string;
}

/**
 * Any exception of a request handler becomes `{ok:false,error:<its message>}`: the caller
 * (the API) shows the words to the operator in its 400, where Nest's default filter would
 * send "Internal server error" for everything but an RpcException.
 */
@Catch()
export class RpcReplyFilter implements RpcExceptionFilter<unknown> {
  catch(e: unknown, _host: ArgumentsHost): Observable<RpcRefusal> {
    const error = e instanceof RpcException ? String(e.getError()) : e instanceof Error ? e.message : String(e);
    return throwError(() => ({ ok: false, error }) satisfies RpcRefusal);
  }
}

/** A request that is not JSON is refused before any handler sees it. */
export class RefuseUnreadable implements PipeTransform {
  transform(value: unknown): unknown {
    if (value instanceof UnreadableRequest) throw new RpcException(value.reason);
    return value;
  }
}
