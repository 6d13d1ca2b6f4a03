import * as http from 'node:http';
import * as https from 'node:https';
import type { FetchLike } from '@sdn/dns';

/**
 * The plugin's FetchLike on node:http(s), one connection per request.
 * PowerDNS' API (4.7) answers every request with `Connection: close`; on
 * such responses the global fetch (undici) builds an error with a stack
 * trace per request and keeps pool bookkeeping for a socket it cannot reuse,
 * about twice the client CPU of a plain request (bench:dns profile: ~1 ms
 * against ~0.5 ms per request), which the service spends on every
 * PowerDNS call. Failures look like fetch's (`TypeError('fetch failed')`
 * with the socket error as `cause`, the signal's reason on abort), so error
 * texts and retry decisions stay the same.
 */
export const nodeHttpFetch: FetchLike = (url, init) =>
  new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const headers: http.OutgoingHttpHeaders = { ...init.headers };
    if (init.body !== undefined) headers['Content-Length'] = Buffer.byteLength(init.body);
    const signal = init.signal;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const req = mod.request(u, { method: init.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', fail);
      res.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', text: async () => text });
      });
    });
    function fail(e: Error): void {
      signal?.removeEventListener('abort', onAbort);
      reject(Object.assign(new TypeError('fetch failed'), { cause: e }));
    }
    function onAbort(): void {
      req.destroy();
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    req.end(init.body);
  });
