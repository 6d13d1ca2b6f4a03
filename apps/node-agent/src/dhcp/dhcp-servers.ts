import { spawn, type ChildProcess } from 'node:child_process';
import { access, constants, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DhcpLeaseResult } from '@sdn/ipam';
import { DNSMASQ_CONFIG_ROOT, DNSMASQ_LEASE_ROOT, ethersPath, renderEthers } from '@sdn/render';
import { writeAtomic } from '../apply/atomic-write';
import { writeDnsmasqFiles, zonesOfFiles } from './dnsmasq-files';
import { DhcpPorts } from './dhcp-ports';
import { reservationsOf, type IpamAddress } from './reservations';
import { leaseReportOf, type LeaseReport } from './dnsmasq-log';

export interface DhcpServersOptions {
  /** Stands in for `/` (the agent's root). */
  root: string;
  /** Live: run dnsmasq; safe: only write the files. */
  live: boolean;
  /** Where the served zones and the pid files are kept (`<root>/var/lib/sdn-agent`). */
  stateDir: string;
  /** The zone's addresses from its IPAM. */
  listZone(zone: string): Promise<IpamAddress[]>;
  /** Subscribes to the IP events (`changed(zone)` per event); returns the unsubscribe. */
  watchIpEvents(changed: (zone: string) => void): () => void;
  /** Reports a lease event of the zone's dnsmasq to the IPAM (see leaseReportOf); without it none is reported. */
  reportLease?(zone: string, r: LeaseReport): Promise<DhcpLeaseResult>;
  log(msg: string): void;
  dnsmasq?: string;
  /** Time between the restarts of a dnsmasq that keeps exiting, doubled up to 30 s. */
  restartDelayMs?: number;
}

/** The reference checks this path to decide whether dnsmasq is installed (§6.8). */
const DNSMASQ_BIN = '/usr/sbin/dnsmasq';

interface Instance {
  child: ChildProcess | null;
  stopping: boolean;
  delay: number;
  timer?: NodeJS.Timeout;
  spawnedAt: number;
  /** The namespace of the zone's DHCP ports (VLAN, QinQ, VXLAN zones); unset: the node's own, on the vnet bridges. */
  netns?: string;
}

/** A DISCOVER retried by its client within this is not reported again while the IPAM's entry travels to dnsmasq. */
const DISCOVER_REPORT_EVERY_MS = 2000;

/** dnsmasq dies of a SIGHUP that comes before it has installed its handler: a fresh one is signalled only after this. */
const SIGHUP_AFTER_START_MS = 1000;

/**
 * The node's DHCP servers: one dnsmasq per DHCP zone served here, from the
 * bundle's files (§6.8 layout), with the zone's static MAC → IP entries
 * (the ethers file) kept equal to what its IPAM holds. Unlike the
 * reference (systemd units, a restart per change) the agent supervises the
 * processes itself and sends SIGHUP when only the entries changed: dnsmasq
 * re-reads its dhcp-hostsfile then, keeping its leases and sockets.
 */
export class DhcpServers {
  private zones: string[] = [];
  private readonly instances = new Map<string, Instance>();
  private readonly pendingSync = new Map<string, NodeJS.Timeout>();
  private syncing: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private unwatch?: () => void;
  private readonly ports: DhcpPorts;
  /** Lease reports in flight or recent, by zone, op, MAC and address: a client's retries are one report. */
  private readonly reported = new Map<string, number>();

  constructor(private readonly o: DhcpServersOptions) {
    this.ports = new DhcpPorts(o.root, o.log);
  }

  private get configRoot(): string {
    return join(this.o.root, DNSMASQ_CONFIG_ROOT);
  }

  private get stateFile(): string {
    return join(this.o.stateDir, 'dhcp-zones.json');
  }

  private pidFile(zone: string): string {
    return join(this.o.stateDir, `dnsmasq.${zone}.pid`);
  }

  /** The zones served now. */
  get served(): readonly string[] {
    return this.zones;
  }

  /** After an agent restart: the zones of the last applied bundle are served again (dnsmasq of a previous run is replaced). */
  async start(): Promise<void> {
    this.zones = await readFile(this.stateFile, 'utf8').then((t) => (JSON.parse(t) as string[]).filter((z) => typeof z === 'string'), () => []);
    this.watchWhileServing();
    await this.syncAll();
    for (const zone of this.zones) {
      await this.killStale(zone);
      await this.startInstance(zone);
    }
  }

  /**
   * Applies a bundle's dnsmasq files (undefined: no DHCP on this node). A
   * zone whose configuration changed is restarted, as the reference does on
   * every regenerate; its static entries are then synced from the IPAM.
   */
  async apply(files: Record<string, string | Uint8Array> | undefined): Promise<void> {
    const next = files ? zonesOfFiles(files) : [];
    if (next.length && this.o.live) await assertInstalled(this.o.dnsmasq ?? DNSMASQ_BIN);
    const changed = files ? await writeDnsmasqFiles(this.configRoot, files, this.zones) : [];
    for (const zone of this.zones.filter((z) => !next.includes(z))) {
      await this.stopInstance(zone);
      if (this.o.live) await this.ports.remove(zone).catch((e: unknown) => this.o.log(`DHCP zone ${zone}: ports not removed: ${String(e)}`));
      await rm(join(this.configRoot, zone), { recursive: true, force: true });
    }
    const before = new Set(this.zones);
    this.zones = next;
    this.watchWhileServing();
    await writeAtomic(this.stateFile, JSON.stringify(next));
    // Entries first: a new dnsmasq reads them at start.
    await this.syncAll();
    for (const zone of next) {
      if (!before.has(zone) || changed.includes(zone) || !this.instances.has(zone)) {
        await this.stopInstance(zone);
        await this.startInstance(zone);
      }
    }
  }

  /**
   * IP events reach the node only while it serves a DHCP zone: every other
   * node (most of a large cluster) would receive each allocation for nothing.
   */
  private watchWhileServing(): void {
    if (this.zones.length && !this.unwatch && !this.stopped) this.unwatch = this.o.watchIpEvents((zone) => this.ipChanged(zone));
    else if (!this.zones.length && this.unwatch) {
      this.unwatch();
      this.unwatch = undefined;
    }
  }

  /** An IP event of `zone`: its entries are synced soon (events of one allocation burst coalesce). */
  ipChanged(zone: string): void {
    if (!this.zones.includes(zone) || this.pendingSync.has(zone)) return;
    this.pendingSync.set(
      zone,
      setTimeout(() => {
        this.pendingSync.delete(zone);
        void this.sync(zone);
      }, 50),
    );
  }

  /** Every served zone's entries from its IPAM (periodic: events are a hint, the IPAM is the truth). */
  syncAll(): Promise<void> {
    return Promise.all(this.zones.map((z) => this.sync(z))).then(() => undefined);
  }

  /** Rewrites the zone's ethers file from its IPAM when it differs, then has dnsmasq re-read it. */
  sync(zone: string): Promise<void> {
    const run = this.syncing.then(async () => {
      if (this.stopped || !this.zones.includes(zone)) return;
      let addresses: IpamAddress[];
      try {
        addresses = await this.o.listZone(zone);
      } catch (e) {
        this.o.log(`DHCP zone ${zone}: static entries not updated, the IPAM did not answer: ${String(e)}`);
        return;
      }
      await this.ensurePorts(zone, addresses);
      const text = renderEthers(reservationsOf(addresses));
      const path = join(this.configRoot, ethersPath(zone));
      if ((await readFile(path, 'utf8').catch(() => null)) === text) return;
      await writeAtomic(path, text);
      const inst = this.instances.get(zone);
      if (inst?.child?.pid) {
        const wait = inst.spawnedAt + SIGHUP_AFTER_START_MS - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        inst.child?.kill('SIGHUP');
      }
      this.o.log(`DHCP zone ${zone}: ${text.split('\n').length - 1} static entries${inst?.child ? ', dnsmasq reloaded (SIGHUP)' : ''}`);
    });
    this.syncing = run.catch(() => undefined);
    return run;
  }

  /** A port zone's namespace, veths and port addresses (from the same IPAM answer as the entries). */
  private async ensurePorts(zone: string, addresses: IpamAddress[]): Promise<void> {
    if (!this.o.live) return;
    try {
      const spec = await this.ports.spec(zone);
      if (spec) await this.ports.ensure(zone, spec, addresses);
    } catch (e) {
      this.o.log(`DHCP zone ${zone}: ports not ready: ${String(e)}`);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch?.();
    this.unwatch = undefined;
    for (const t of this.pendingSync.values()) clearTimeout(t);
    await Promise.all([...this.instances.keys()].map((z) => this.stopInstance(z)));
  }

  private async startInstance(zone: string): Promise<void> {
    if (!this.o.live || this.stopped) return;
    const dir = join(this.configRoot, zone);
    // A zone without any vnet file would bind every interface but lo (no interface= line): nothing to serve yet.
    const vnets = (await readdir(dir).catch(() => [])).filter((n) => /^10-.*\.conf$/.test(n));
    if (!vnets.length) return;
    await mkdir(join(this.o.root, DNSMASQ_LEASE_ROOT), { recursive: true });
    const ethers = join(dir, 'ethers');
    await access(ethers).catch(() => writeAtomic(ethers, ''));
    const inst: Instance = { child: null, stopping: false, delay: this.o.restartDelayMs ?? 1000, spawnedAt: 0 };
    if (await this.ports.spec(zone)) inst.netns = this.ports.netns(zone);
    this.instances.set(zone, inst);
    this.spawn(zone, inst);
  }

  private spawn(zone: string, inst: Instance): void {
    const args = [
      '--keep-in-foreground',
      '--log-facility=-',
      '--conf-file=/dev/null',
      `--conf-dir=${DNSMASQ_CONFIG_ROOT}/${zone},*.conf`,
      `--pid-file=${this.pidFile(zone)}`,
    ];
    const bin = this.o.dnsmasq ?? DNSMASQ_BIN;
    // A port zone's dnsmasq sees only the namespace of its ports (the mount namespace stays the agent's).
    const exe = inst.netns ? ['nsenter', `--net=${inst.netns}`, bin] : [bin];
    // Under another root the rendered absolute paths (/etc/dnsmasq.d, /var/lib/misc) are the root's,
    // seen through a private mount namespace, as the lab runs ifupdown2.
    const argv =
      this.o.root === '/'
        ? [...exe, ...args]
        : [
            'unshare',
            '-m',
            'sh',
            '-c',
            `mkdir -p ${DNSMASQ_CONFIG_ROOT} && mount --bind "$0${DNSMASQ_CONFIG_ROOT}" ${DNSMASQ_CONFIG_ROOT} && mount --bind "$0${DNSMASQ_LEASE_ROOT}" ${DNSMASQ_LEASE_ROOT} && exec "$@"`,
            this.o.root,
            ...exe,
            ...args,
          ];
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    inst.child = child;
    inst.spawnedAt = Date.now();
    const forward = (d: Buffer) => {
      for (const line of d.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.o.log(`dnsmasq ${zone}: ${line}`);
        const lease = leaseReportOf(line);
        if (lease) this.reportLease(zone, lease);
      }
    };
    child.stdout!.on('data', forward);
    child.stderr!.on('data', forward);
    child.on('error', (e) => this.o.log(`dnsmasq ${zone} could not start: ${String(e)}`));
    child.on('exit', (code, signal) => {
      inst.child = null;
      if (inst.stopping || this.stopped) return;
      this.o.log(`dnsmasq ${zone} exited (${signal ?? `code ${code}`}); restarting in ${inst.delay} ms`);
      inst.timer = setTimeout(() => {
        if (!inst.stopping && !this.stopped) this.spawn(zone, inst);
      }, inst.delay);
      inst.delay = Math.min(inst.delay * 2, 30_000);
    });
  }

  /**
   * Tells the IPAM what dnsmasq saw: an unknown MAC gets a range address there (its static entry
   * then reaches dnsmasq like any allocation, in time for the client's next DISCOVER), a bound
   * lease its host name, a released one is given back. Failures are logged: the client retries.
   */
  private reportLease(zone: string, r: LeaseReport): void {
    if (!this.o.reportLease || this.stopped) return;
    const key = `${zone} ${r.op} ${r.mac} ${r.ip ?? ''}`;
    const last = this.reported.get(key);
    if (last !== undefined && (last === 0 || (r.op === 'discover' && Date.now() - last < DISCOVER_REPORT_EVERY_MS))) return;
    this.reported.set(key, 0);
    const what = `${r.op} ${r.mac}${r.ip ? ` ${r.ip}` : ''}`;
    this.o.reportLease(zone, r).then(
      (res) => {
        this.reported.set(key, Date.now());
        if (res.changed) {
          this.o.log(`DHCP zone ${zone}: lease ${what} recorded in the IPAM${res.ip && r.op === 'discover' ? ` (${res.ip})` : ''}`);
          this.ipChanged(zone);
        } else if (r.op === 'released') this.o.log(`DHCP zone ${zone}: lease ${what} kept in the IPAM (not handed out for a lease)`);
      },
      (e: unknown) => {
        this.reported.set(key, Date.now());
        this.o.log(`DHCP zone ${zone}: lease ${what} not recorded: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
    // Old keys go: only the recent ones can suppress a report.
    if (this.reported.size > 1000) for (const [k, t] of this.reported) if (t && Date.now() - t > DISCOVER_REPORT_EVERY_MS) this.reported.delete(k);
  }

  private async stopInstance(zone: string): Promise<void> {
    const inst = this.instances.get(zone);
    this.instances.delete(zone);
    if (!inst) return;
    inst.stopping = true;
    clearTimeout(inst.timer);
    const child = inst.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  }

  /** A dnsmasq left by an agent that died without stopping it would hold the zone's sockets. */
  private async killStale(zone: string): Promise<void> {
    const pid = Number(await readFile(this.pidFile(zone), 'utf8').catch(() => ''));
    if (!Number.isInteger(pid) || pid <= 1) return;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmd.includes('dnsmasq') || !cmd.includes(this.pidFile(zone))) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone meanwhile */
    }
    for (let i = 0; i < 50 && (await access(`/proc/${pid}`).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 100));
  }
}

async function assertInstalled(bin: string): Promise<void> {
  try {
    await access(bin, constants.X_OK);
  } catch {
    // The reference's words (§6.8) when a zone uses DHCP without dnsmasq.
    throw new Error(`please install the 'dnsmasq' package in order to use the DHCP feature: cannot reload with missing 'dnsmasq' package (${bin})`);
  }
}
