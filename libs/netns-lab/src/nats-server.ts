import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private, restartable NATS+JetStream server for tests: the machine's
 * shared server must never be restarted, and a private one keeps test
 * subjects out of the shared streams.
 */
export class PrivateNatsServer {
  private child?: ChildProcess;
  readonly storeDir = mkdtempSync(join(tmpdir(), 'sdn-nats-'));

  private constructor(
    readonly port: number,
    readonly host: string,
    /** Bytes; the server default is 1 MiB, too small for bundles of large configs. */
    readonly maxPayload?: number,
    /** More server configuration (e.g. a generated `authorization` block); listen address and store stay the command line's. */
    readonly config?: string,
  ) {}

  static binary(): string | null {
    for (const p of ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server']) if (existsSync(p)) return p;
    return null;
  }

  /** `host`: the address to listen on (a lab's management address, so namespaced agents reach it). */
  static async start(host = '127.0.0.1', opts: { maxPayload?: number; config?: string } = {}): Promise<PrivateNatsServer> {
    const s = new PrivateNatsServer(await freePort(host), host, opts.maxPayload, opts.config);
    await s.startProcess();
    return s;
  }

  get url(): string {
    return `nats://${this.host}:${this.port}`;
  }

  private async startProcess(): Promise<void> {
    const bin = PrivateNatsServer.binary();
    if (!bin) throw new Error('nats-server not installed');
    const args = ['-a', this.host, '-p', String(this.port), '-js', '-sd', this.storeDir];
    if (this.maxPayload || this.config) {
      // max_payload and authorization have no command-line flags: only a config file sets them.
      const conf = join(this.storeDir, 'server.conf');
      writeFileSync(conf, `${this.maxPayload ? `max_payload: ${this.maxPayload}\n` : ''}${this.config ?? ''}`);
      args.push('-c', conf);
    }
    this.child = spawn(bin, args, { stdio: 'ignore' });
    const deadline = Date.now() + 10000;
    while (!(await canConnect(this.host, this.port))) {
      if (Date.now() > deadline) throw new Error(`nats-server on port ${this.port} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    await exited;
  }

  /** Same port, same store: clients see a server restart. */
  async restart(): Promise<void> {
    await this.stop();
    await this.startProcess();
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
