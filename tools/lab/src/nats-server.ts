import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { track } from './children';

/** A private NATS + JetStream server for one lab run, so the lab never touches a developer's bus. */
export class LabNats {
  private child?: ChildProcess;
  private constructor(
    readonly port: number,
    private readonly storeDir: string,
  ) {}

  static async start(runDir: string): Promise<LabNats> {
    const bin = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));
    if (!bin) throw new Error('nats-server is not installed (tools/setup-test-env.sh installs it)');
    const s = new LabNats(await freePort(), join(runDir, 'nats'));
    rmSync(s.storeDir, { recursive: true, force: true });
    mkdirSync(s.storeDir, { recursive: true });
    s.child = track(spawn(bin, ['-a', '127.0.0.1', '-p', String(s.port), '-js', '-sd', s.storeDir], { stdio: 'ignore' }));
    const deadline = Date.now() + 10000;
    while (!(await canConnect(s.port))) {
      if (Date.now() > deadline) throw new Error(`nats-server on port ${s.port} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return s;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    await exited;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
