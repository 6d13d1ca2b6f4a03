/**
 * A lean keep-alive HTTP/1.1 client for load generation. On these 2-core
 * machines the load generator shares the CPU with the API under test, and
 * node:http's client (agent, IncomingMessage streams, header objects) cost
 * about as much CPU per request as the API spent serving it, so benchmarks
 * measured the client as much as the server. This one writes each request as
 * one string and reads only the status line, Content-Length (or chunked
 * framing) and the body: what load generators such as wrk do.
 *
 * One request in flight per socket (no pipelining); `sockets` connections at
 * most, opened on demand and reused.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface HttpReply {
  status: number;
  /** The body as text ('' when empty). */
  text: string;
}

interface Waiter {
  head: string;
  body: string;
  resolve(r: HttpReply): void;
  reject(e: Error): void;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection: a request at a time, the response framed by Content-Length or chunks. */
class Connection {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: Waiter | null = null;
  readonly socket: net.Socket;
  closed = false;

  constructor(port: number, host: string, ca: string | undefined, onClose: (c: Connection) => void) {
    // With `ca`, HTTPS: the same framing over a TLS socket that trusts only that CA (no SNI for an address).
    this.socket = ca === undefined ? net.connect({ port, host, noDelay: true }) : tls.connect({ port, host, ca, ...(net.isIP(host) ? {} : { servername: host }) }).setNoDelay(true);
    this.socket.on('data', (d) => this.onData(d));
    const close = (e?: Error) => {
      if (this.closed) return;
      this.closed = true;
      this.waiter?.reject(e ?? new Error('connection closed before the response'));
      this.waiter = null;
      onClose(this);
    };
    this.socket.on('error', close);
    this.socket.on('close', () => close());
  }

  send(w: Waiter): void {
    this.waiter = w;
    this.socket.write(w.body ? w.head + w.body : w.head);
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    const w = this.waiter;
    if (!w) return;
    const end = this.buf.indexOf(HEAD_END);
    if (end < 0) return;
    const head = this.buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let body: Buffer;
    let consumed: number;
    if (length) {
      consumed = end + 4 + Number(length[1]);
      if (this.buf.length < consumed) return;
      body = this.buf.subarray(end + 4, consumed);
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const chunks: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const eol = this.buf.indexOf('\r\n', at);
        if (eol < 0) return;
        const size = parseInt(this.buf.toString('latin1', at, eol), 16);
        if (this.buf.length < eol + 2 + size + 2) return;
        if (size === 0) {
          consumed = eol + 4;
          break;
        }
        chunks.push(this.buf.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
      body = Buffer.concat(chunks);
    } else {
      consumed = end + 4;
      body = Buffer.alloc(0);
    }
    this.buf = this.buf.subarray(consumed);
    this.waiter = null;
    w.resolve({ status, text: body.toString('utf8') });
  }
}

export class LeanHttpClient {
  private readonly idle: Connection[] = [];
  private readonly queue: Waiter[] = [];
  private open = 0;

  constructor(
    private readonly port: number,
    /** `ca`: speak HTTPS, trusting this CA (PEM). */
    private readonly opts: { host?: string; sockets?: number; headers?: Record<string, string>; ca?: string } = {},
  ) {}

  request(method: string, path: string, body?: string): Promise<HttpReply> {
    const host = this.opts.host ?? '127.0.0.1';
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}:${this.port}\r\n`;
    for (const [k, v] of Object.entries(this.opts.headers ?? {})) head += `${k}: ${v}\r\n`;
    if (body !== undefined) head += `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    head += '\r\n';
    return new Promise((resolve, reject) => this.dispatch({ head, body: body ?? '', resolve, reject }));
  }

  private dispatch(w: Waiter): void {
    const conn = this.idle.pop() ?? (this.open < (this.opts.sockets ?? 16) ? this.connect() : null);
    if (conn) this.run(conn, w);
    else this.queue.push(w);
  }

  private run(conn: Connection, w: Waiter): void {
    conn.send({
      ...w,
      resolve: (r) => {
        w.resolve(r);
        this.release(conn);
      },
    });
  }

  private connect(): Connection {
    this.open++;
    return new Connection(this.port, this.opts.host ?? '127.0.0.1', this.opts.ca, (c) => {
      this.open--;
      const i = this.idle.indexOf(c);
      if (i >= 0) this.idle.splice(i, 1);
      const next = this.queue.shift();
      if (next) this.dispatch(next);
    });
  }

  private release(conn: Connection): void {
    if (conn.closed) return;
    const next = this.queue.shift();
    if (next) this.run(conn, next);
    else this.idle.push(conn);
  }

  close(): void {
    for (const c of this.idle.splice(0)) c.socket.destroy();
  }
}
