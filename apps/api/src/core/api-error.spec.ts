import { createServer } from 'node:net';
import type { ArgumentsHost } from '@nestjs/common';
import { Client } from 'pg';
import { QueryFailedError } from 'typeorm';
import { ApiError, ApiExceptionFilter, databaseUnavailable } from './api-error';

/** What the filter sent: status, headers, body. */
function sent(e: unknown) {
  const out = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown, statusMessage: '' };
  const res = {
    raw: {
      set statusMessage(m: string) {
        out.statusMessage = m;
      },
    },
    header: (n: string, v: string) => ((out.headers[n] = v), res),
    status: (c: number) => ((out.status = c), res),
    send: (b: unknown) => (out.body = b),
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new ApiExceptionFilter().catch(e, host);
  return out;
}

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('ApiExceptionFilter: PostgreSQL unavailable', () => {
  it('answers 503 with a retry hint when PostgreSQL refuses or drops the connection', async () => {
    // A real refused connection, as pg reports it while PostgreSQL restarts.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const refused = await new Client({ host: '127.0.0.1', port, user: 'x', database: 'x' }).connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(databaseUnavailable(refused)).toBe('ECONNREFUSED');
    const out = sent(refused);
    expect(out.status).toBe(503);
    expect(out.headers['Retry-After']).toBe('1');
    expect(out.body).toEqual({ data: null, message: 'database unavailable, try again' });
    expect(out.statusMessage).toBe('database unavailable, try again');
  });

  it.each([
    ['admin shutdown (57P01) in a QueryFailedError', new QueryFailedError('select 1', [], pgError('57P01', 'terminating connection due to administrator command'))],
    ['starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['connection failure (08006)', pgError('08006', 'connection failure')],
    ['pg losing its connection', new Error('Connection terminated unexpectedly')],
    ['a refused connect to several addresses', new AggregateError([pgError('ECONNREFUSED', 'connect ECONNREFUSED ::1:5432'), pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')])],
    ['a cause chain', new Error('event append failed', { cause: pgError('ECONNRESET', 'read ECONNRESET') })],
  ])('maps %s to 503', (_what, e) => {
    expect(sent(e).status).toBe(503);
  });

  it('leaves other failures alone: a constraint violation is a 500, an ApiError keeps its status', () => {
    expect(databaseUnavailable(new QueryFailedError('insert', [], pgError('23505', 'duplicate key value violates unique constraint')))).toBeUndefined();
    expect(sent(new QueryFailedError('insert', [], pgError('23505', 'duplicate key'))).status).toBe(500);
    expect(sent(new Error('boom')).status).toBe(500);
    expect(sent(ApiError.notFound('no such vnet')).status).toBe(404);
  });
});
