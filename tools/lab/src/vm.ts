import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { track } from './children';
import { log } from './log';

export interface VmImage {
  dir: string;
  kernel: string;
  initrd: string;
  disk: string;
}

export interface VmOptions {
  image: VmImage;
  /** Host directory shared read-only as tag `repo` (the project checkout). */
  repoDir: string;
  /** Per-run working directory (console log, qemu overlay, the `labout` share). */
  runDir: string;
  /** Host NATS port the guestfwd reaches. */
  natsPort: number;
  runId: string;
  memMb: number;
  cpus: number;
  timeoutMs: number;
  /** Echo the VM console to stdout. */
  echoConsole: boolean;
  relayScript: string;
}

export interface ExecResult {
  code: number;
  out: string;
  ms: number;
}

const jc = JSONCodec();

/**
 * One QEMU TCG VM. It has no network but QEMU user networking with
 * restrict=on and a single guestfwd 10.0.2.100:4222 -> host NATS, through
 * which the VM-side runner takes `exec` requests.
 */
export class LabVm {
  private qemu?: ChildProcess;
  private nc?: NatsConnection;
  private exited?: Promise<number>;
  readonly consoleLog: string;
  bootMs = 0;

  constructor(private readonly o: VmOptions) {
    this.consoleLog = join(o.runDir, 'console.log');
  }

  get prefix(): string {
    return `sdnlab.${this.o.runId}`;
  }

  qemuArgv(): string[] {
    const o = this.o;
    const out = join(o.runDir, 'share');
    // guestfwd "cmd:" runs the relay once per guest connection (the chardev form
    // "tcp:127.0.0.1:PORT" connects once at QEMU start and serves one connection only).
    // Commas inside a -nic option value are escaped by doubling.
    const fwd =
      process.env.SDN_LAB_GUESTFWD === 'chardev'
        ? `guestfwd=tcp:10.0.2.100:4222-tcp:127.0.0.1:${o.natsPort}`
        : `guestfwd=tcp:10.0.2.100:4222-cmd:${process.execPath} ${o.relayScript} 127.0.0.1 ${o.natsPort}`.replace(/,/g, ',,');
    return [
      'qemu-system-x86_64',
      ...['-accel', 'tcg,thread=multi', '-cpu', 'max', '-m', String(o.memMb), '-smp', String(o.cpus)],
      ...['-nodefaults', '-display', 'none', '-serial', 'stdio', '-no-reboot'],
      ...['-kernel', o.image.kernel, '-initrd', o.image.initrd],
      ...['-append', `console=ttyS0 root=/dev/vda rw init=/sdnlab/init.sh panic=-1 quiet sdnlab.run=${o.runId}${process.env.SDN_LAB_SINGLE_RELOAD === '1' ? ' sdnlab.single_reload=1' : ''}`],
      ...['-drive', `file=${o.image.disk},format=raw,if=virtio,snapshot=on`],
      ...['-fsdev', `local,id=repo,path=${o.repoDir},security_model=none,readonly=on`, '-device', 'virtio-9p-pci,fsdev=repo,mount_tag=repo'],
      ...['-fsdev', `local,id=out,path=${out},security_model=none`, '-device', 'virtio-9p-pci,fsdev=out,mount_tag=labout'],
      ...['-nic', `user,model=virtio-net-pci,restrict=on,${fwd}`],
    ];
  }

  async boot(): Promise<void> {
    const o = this.o;
    rmSync(join(o.runDir, 'share'), { recursive: true, force: true });
    mkdirSync(join(o.runDir, 'share'), { recursive: true });
    mkdirSync(join(o.runDir, 'tmp'), { recursive: true });
    this.nc = await connect({ servers: `nats://127.0.0.1:${o.natsPort}`, name: `sdnlab-host-${o.runId}` });
    const ready = this.nc.subscribe(`${this.prefix}.ready`, { max: 1 });
    const argv = this.qemuArgv();
    log(`boot: ${argv.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}`);
    const t0 = Date.now();
    // snapshot=on puts the guest's writes in an overlay under $TMPDIR: the image stays pristine.
    this.qemu = track(spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: join(o.runDir, 'tmp') } }));
    const con = createWriteStream(this.consoleLog);
    let buf = '';
    const onData = (d: Buffer) => {
      con.write(d);
      if (!o.echoConsole) return;
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        if (line.trim()) process.stdout.write(`    vm| ${line}\n`);
      }
    };
    this.qemu.stdout!.on('data', onData);
    this.qemu.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => this.qemu!.on('exit', (code) => resolve(code ?? 1)));
    const timer = setTimeout(() => {
      log(`VM timeout (${o.timeoutMs} ms): killing qemu`);
      this.qemu?.kill('SIGKILL');
    }, o.timeoutMs);
    void this.exited.then(() => clearTimeout(timer));
    const first = await Promise.race([
      (async () => {
        for await (const _ of ready) return 'ready';
        return 'ready';
      })(),
      this.exited.then((c) => `qemu exited with ${c} before the runner connected`),
      new Promise<string>((r) => setTimeout(() => r('runner did not connect within 180 s'), 180000)),
    ]);
    if (first !== 'ready') throw new Error(`${first} (console: ${this.consoleLog})`);
    this.bootMs = Date.now() - t0;
    log(`VM runner connected through guestfwd after ${(this.bootMs / 1000).toFixed(1)} s`);
  }

  async exec(script: string, timeoutMs = 120000): Promise<ExecResult> {
    if (!this.nc) throw new Error('VM not booted');
    const m = await this.nc.request(`${this.prefix}.exec`, jc.encode({ script, timeoutMs }), { timeout: timeoutMs + 15000 });
    return jc.decode(m.data) as ExecResult;
  }

  /** exec that throws on a non-zero exit. */
  async sh(script: string, timeoutMs = 120000): Promise<string> {
    const r = await this.exec(script, timeoutMs);
    if (r.code !== 0) throw new Error(`VM command failed (rc ${r.code}): ${script.slice(0, 200)}\n${r.out}`);
    return r.out;
  }

  /** Answers `<prefix>.<name>` requests {conn: i} with `ok<i>` (the smoke test's echo). */
  async subscribeEcho(name: string): Promise<{ unsubscribe(): void }> {
    if (!this.nc) throw new Error('VM not booted');
    const sub = this.nc.subscribe(`${this.prefix}.${name}`, {
      callback: (_e, m) => m.respond(`ok${(JSON.parse(m.string()) as { conn: number }).conn}`),
    });
    await this.nc.flush();
    return sub;
  }

  async shutdown(): Promise<number> {
    if (!this.qemu || !this.exited) return 0;
    this.nc?.publish(`${this.prefix}.poweroff`);
    await this.nc?.flush().catch(() => undefined);
    const code = await Promise.race([this.exited, new Promise<number>((r) => setTimeout(() => r(-1), 30000))]);
    if (code === -1) {
      this.qemu.kill('SIGKILL');
      await this.exited;
    }
    await this.nc?.close().catch(() => undefined);
    return code;
  }
}
