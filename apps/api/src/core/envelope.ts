import { FastifyAdapter } from '@nestjs/platform-fastify';

/** A handler's answer sent as is, outside the Proxmox `{data}` envelope (e.g. /health for orchestrators). */
export class RawBody<T = unknown> {
  constructor(readonly value: T) {}
}

export const raw = <T>(value: T): RawBody<T> => new RawBody(value);

/**
 * Every successful response is `{"data": …}` with status 200, like the
 * reference's (Nest would answer POST with 201, which Proxmox clients treat
 * as an error); `undefined` becomes null. Errors take their shape in
 * ApiExceptionFilter.
 *
 * Done where Nest hands a handler's result to Fastify rather than in an
 * interceptor: Nest runs every request that has interceptors through RxJS
 * and an AsyncResource.bind per interceptor level, which was about a tenth
 * of the API's CPU per write (bench:api profile).
 */
export class ProxmoxFastifyAdapter extends FastifyAdapter {
  /** Nest sets a handler's default status (201 for POST) through this before the handler runs. */
  override status(response: Parameters<FastifyAdapter['status']>[0], statusCode: number): ReturnType<FastifyAdapter['status']> {
    return super.status(response, statusCode === 201 ? 200 : statusCode);
  }

  override reply(response: Parameters<FastifyAdapter['reply']>[0], body: unknown, statusCode?: number): ReturnType<FastifyAdapter['reply']> {
    if (body instanceof RawBody) return super.reply(response, body.value, statusCode);
    return super.reply(response, { data: body === undefined ? null : body }, statusCode === 201 ? 200 : statusCode);
  }
}
