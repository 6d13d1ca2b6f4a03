import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exec, execSync, must } from './exec';

/**
 * Network-namespace lab for data-plane tests, after the verified e2e recipes
 * (../shared/e2e): an `underlay` namespace with one bridge, "node"
 * namespaces wired to it by veth (eth0 in the node), VM namespaces with a
 * veth whose node end is enslaved to a vnet bridge. Every name carries the
 * lab's prefix so parallel labs and the e2e scripts never collide.
 *
 * ifupdown2 runs per node exactly as the recipe does: a private mount
 * namespace bind-mounts the node's own etc/network and run over /etc/network
 * and /run, and its ifupdown2.conf points state_dir into the node's folder
 * (ifupdown2 keeps state in /var/tmp/network otherwise, shared by all nodes).
 */
export interface LabNode {
  /** Namespace name. */
  ns: string;
  /** Root folder standing in for the node's `/`: etc/network, etc/frr, run, state. */
  root: string;
  /** Executable that runs its arguments with the node's /etc/network and /run (ifupdown2, frr-reload). */
  wrapper: string;
  underlayIp: string;
}

/** Where the pvecompat shim lives: read from the shared e2e folder at test time only. */
export function pvecompatDir(): string {
  return process.env.SDN_PVECOMPAT_DIR ?? resolve(__dirname, '../../../../shared/e2e/pvecompat');
}

/** Why data-plane tests cannot run here, or null when they can. */
export function dataplaneUnavailable(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root (needs CAP_NET_ADMIN and CAP_SYS_ADMIN)';
  for (const bin of ['/usr/sbin/ifreload', '/usr/sbin/ifquery']) if (!existsSync(bin)) return `ifupdown2 is not installed (${bin} missing)`;
  if (!existsSync('/etc/network/ifupdown2/ifupdown2.conf')) return 'ifupdown2 config /etc/network/ifupdown2 missing';
  if (!existsSync('/usr/sbin/iptables')) return 'iptables is not installed';
  if (!existsSync(join(pvecompatDir(), 'sitecustomize.py'))) return `pvecompat shim not found at ${pvecompatDir()}`;
  if (execSync('ip', ['netns', 'list']) !== 0) return 'ip netns unavailable';
  return null;
}

const live = new Set<NetnsLab>();

function labWork(): string {
  return process.env.SDN_LAB_WORK ?? '/tmp/sdn-netns-lab';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes labs whose owning process is gone (a test run killed with
 * SIGKILL, where no exit handler runs): their namespaces, processes and
 * host devices. A leftover management bridge would keep its address and
 * break the next run. Returns the prefixes it removed.
 */
export function reapStaleLabs(): string[] {
  const work = labWork();
  if (!existsSync(work)) return [];
  const reaped: string[] = [];
  for (const prefix of readdirSync(work)) {
    const ownerFile = join(work, prefix, 'owner.pid');
    const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8')) : NaN;
    if (Number.isInteger(owner) && alive(owner)) continue;
    // A lab being created right now has its folder a moment before its owner file.
    if (!existsSync(ownerFile) && Date.now() - statSync(join(work, prefix)).mtimeMs < 60_000) continue;
    const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
    for (const ns of list.split('\n').map((l) => l.split(' ')[0]).filter((n) => n.startsWith(`${prefix}-`))) {
      const pids = (spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '').split(/\s+/).filter(Boolean);
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      execSync('ip', ['netns', 'del', ns]);
    }
    const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout ?? '';
    for (const m of links.matchAll(/^\d+: ([^:@]+)[:@]/gm)) if (m[1].startsWith(`${prefix}-`)) execSync('ip', ['link', 'del', m[1]]);
    for (const d of existsSync('/var/run/frr') ? readdirSync('/var/run/frr') : []) if (d.startsWith(`${prefix}-`)) rmSync(join('/var/run/frr', d), { recursive: true, force: true });
    rmSync(join(work, prefix), { recursive: true, force: true });
    reaped.push(prefix);
  }
  return reaped;
}
let trapInstalled = false;
function installTrap(): void {
  if (trapInstalled) return;
  trapInstalled = true;
  // Last resort when a test run dies without afterAll: namespaces and agent
  // processes would otherwise outlive it. 'exit' handlers must be synchronous.
  process.on('exit', () => {
    for (const lab of live) lab.destroySync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const lab of live) lab.destroySync();
      process.exit(130);
    });
  }
}

export class NetnsLab {
  readonly base: string;
  private readonly namespaces: string[] = [];
  /** Host-side devices (management bridge); deleted by destroy(). */
  private readonly hostLinks: string[] = [];
  private mgmtCount = 0;
  private mgmtNet = '';
  private readonly frrRunDirs: string[] = [];
  /** Host address of the management network, once created. */
  mgmtIp?: string;
  private readonly children = new Set<ChildProcess>();

  /** `prefix` names namespaces and host devices: at most 9 characters (IFNAMSIZ). */
  constructor(
    readonly prefix: string,
    base?: string,
  ) {
    if (!/^[a-z][a-z0-9]{0,8}$/.test(prefix)) throw new Error(`lab prefix '${prefix}' must be 1-9 lowercase letters/digits`);
    this.base = base ?? join(labWork(), prefix);
    installTrap();
    live.add(this);
    reapStaleLabs();
  }

  private claimed = false;
  /** Creates the lab folder with the owner pid the reaper checks. */
  private claimBase(): void {
    if (this.claimed) return;
    this.claimed = true;
    rmSync(this.base, { recursive: true, force: true });
    mkdirSync(this.base, { recursive: true });
    writeFileSync(join(this.base, 'owner.pid'), String(process.pid));
  }

  /** Namespace name for a lab-local name. */
  ns(name: string): string {
    return `${this.prefix}-${name}`;
  }

  async addNamespace(name: string): Promise<string> {
    this.claimBase();
    const ns = this.ns(name);
    await exec('ip', ['netns', 'del', ns]); // leftovers of a crashed run
    await must('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    return ns;
  }

  /** The shared underlay: one bridge in its own namespace. */
  async underlay(): Promise<string> {
    const ns = await this.addNamespace('underlay');
    await must('ip', ['-n', ns, 'link', 'add', 'name', 'ulbr', 'type', 'bridge']);
    await must('ip', ['-n', ns, 'link', 'set', 'ulbr', 'up']);
    return ns;
  }

  /** Plugs namespace `ns` into the underlay bridge with `dev` inside it (veth). */
  async plugUnderlay(ns: string, dev: string, tag: string): Promise<void> {
    const ul = this.ns('underlay');
    await must('ip', ['link', 'add', 'name', `ul-${tag}`, 'netns', ul, 'type', 'veth', 'peer', 'name', dev, 'netns', ns]);
    await must('ip', ['-n', ul, 'link', 'set', `ul-${tag}`, 'master', 'ulbr', 'up']);
  }

  /**
   * Management network: a bridge in the host namespace (address
   * `10.250.<n>.1/24`, n derived from the prefix so concurrent labs differ) that every node gets a `mgmt0` port on. Agents run
   * inside node namespaces and must reach NATS, which runs on the host; the
   * underlay stays a pure data-plane network as on a real cluster.
   */
  async managementNetwork(): Promise<string> {
    this.claimBase();
    const br = `${this.prefix}-mg`;
    await exec('ip', ['link', 'del', br]);
    await must('ip', ['link', 'add', 'name', br, 'type', 'bridge']);
    this.hostLinks.push(br);
    this.mgmtNet = `10.250.${[...this.prefix].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 250, 7)}`;
    await must('ip', ['addr', 'add', `${this.mgmtNet}.1/24`, 'dev', br]);
    await must('ip', ['link', 'set', br, 'up']);
    this.mgmtIp = `${this.mgmtNet}.1`;
    return this.mgmtIp;
  }

  private async plugManagement(ns: string): Promise<void> {
    const i = ++this.mgmtCount;
    const hostEnd = `${this.prefix}-m${i}`;
    await exec('ip', ['link', 'del', hostEnd]);
    await must('ip', ['link', 'add', 'name', hostEnd, 'type', 'veth', 'peer', 'name', 'mgmt0', 'netns', ns]);
    this.hostLinks.unshift(hostEnd);
    await must('ip', ['link', 'set', hostEnd, 'master', `${this.prefix}-mg`, 'up']);
    await must('ip', ['-n', ns, 'addr', 'add', `${this.mgmtNet}.${10 + i}/24`, 'dev', 'mgmt0']);
    await must('ip', ['-n', ns, 'link', 'set', 'mgmt0', 'up']);
  }

  /**
   * A "PVE node": namespace on the underlay with eth0 enslaved to vmbr0
   * (address `underlayIp`/24, default route via `gateway`), brought up by
   * ifupdown2 from the node's own /etc/network/interfaces, which sources the SDN file.
   * `vrfStandIn`: for kernels without VRF devices (CONFIG_NET_VRF), see VRF_STAND_IN.
   * `dummyStandIn`: for kernels without dummy devices, see DUMMY_STAND_IN.
   */
  async addNode(name: string, underlayIp: string, gateway?: string, opts: { vrfStandIn?: boolean; dummyStandIn?: boolean } = {}): Promise<LabNode> {
    const ns = await this.addNamespace(name);
    await this.plugUnderlay(ns, 'eth0', name);
    if (this.mgmtIp) await this.plugManagement(ns);
    const root = join(this.base, name);
    const etcNetwork = join(root, 'etc', 'network');
    mkdirSync(join(etcNetwork, 'interfaces.d'), { recursive: true });
    mkdirSync(join(root, 'etc', 'frr'), { recursive: true });
    mkdirSync(join(root, 'run', 'network'), { recursive: true }); // else "Another instance … already running"
    mkdirSync(join(root, 'state'), { recursive: true });
    cpSync('/etc/network/ifupdown2', join(etcNetwork, 'ifupdown2'), { recursive: true });
    const confPath = join(etcNetwork, 'ifupdown2', 'ifupdown2.conf');
    writeFileSync(confPath, readFileSync(confPath, 'utf8').replace(/^state_dir=.*$/m, `state_dir=${join(root, 'state')}/`));
    writeFileSync(
      join(etcNetwork, 'interfaces'),
      [
        'auto lo',
        'iface lo inet loopback',
        '',
        'iface eth0 inet manual',
        '',
        'auto vmbr0',
        'iface vmbr0 inet static',
        `\taddress ${underlayIp}/24`,
        ...(gateway ? [`\tgateway ${gateway}`] : []),
        '\tbridge-ports eth0',
        '\tbridge-stp off',
        '\tbridge-fd 0',
        '',
        'source /etc/network/interfaces.d/*',
        '',
      ].join('\n'),
    );
    const standIn = [opts.vrfStandIn ? VRF_STAND_IN_RULES : '', opts.dummyStandIn ? DUMMY_STAND_IN_RULES : ''].join('');
    const wrapper = join(root, 'ifupdown-wrapper.sh');
    writeFileSync(
      wrapper,
      [
        '#!/bin/sh',
        '# Runs "$@" with this node\'s /etc/network and /run in a private mount namespace',
        '# and the pvecompat shim on PYTHONPATH (recipe of ../shared/e2e/README.md).',
        ...(standIn ? ['# ifupdown2 reads the SDN file through the stand-ins (kernel without VRF or dummy devices); the file itself stays the bundle\'s.'] : []),
        `exec unshare -m sh -c 'root=$0; shim=$1; shift; mount --bind "$root/etc/network" /etc/network && mount --bind "$root/run" /run && ${standIn ? STAND_IN_VIEW : ''}PYTHONPATH="$shim" exec "$@"' ${shq(root)} ${shq(pvecompatDir())} "$@"`,
        '',
      ].join('\n'),
    );
    chmodSync(wrapper, 0o755);
    if (standIn) writeFileSync(join(root, 'stand-in.awk'), standInProgram(standIn));
    await must('ip', ['netns', 'exec', ns, wrapper, 'ifreload', '-a'], { timeoutMs: 30000 });
    return { ns, root, wrapper, underlayIp };
  }

  /**
   * FRR daemons (zebra, bgpd, bfdd) for a node, as ../shared/e2e/frr.sh runs
   * them: pathspace = namespace name (sockets in /var/run/frr/<ns>), each
   * daemon under `unshare -u` with its own hostname (namespaces share the
   * host's, and FRR ignores a `hostname` line; FRR #7583), empty startup
   * config. Returns the `frr-reload.py` argv that reloads this node's FRR
   * from a file (`{frrConf}` placeholder, as the agent expects).
   */
  async startFrr(node: LabNode): Promise<string[]> {
    const run = `/var/run/frr/${node.ns}`;
    await must('install', ['-d', '-o', 'frr', '-g', 'frr', '-m', '0755', run]);
    this.frrRunDirs.push(run);
    // frr-reload.py would switch forwarding on itself unless the config says otherwise.
    await must('ip', ['netns', 'exec', node.ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
    // The daemons file the agent switches fabricd/ospfd in (frrRestartArgv starts and stops them by it).
    if (existsSync('/etc/frr/daemons')) writeFileSync(join(node.root, 'etc', 'frr', 'daemons'), readFileSync('/etc/frr/daemons'));
    const confdir = join(node.root, 'frr-vtysh');
    mkdirSync(join(confdir, node.ns), { recursive: true });
    writeFileSync(join(confdir, node.ns, 'vtysh.conf'), 'service integrated-vtysh-config\n');
    await must('chown', ['-R', 'frr:frr', confdir]);
    const host = node.ns.replace(/_/g, '-');
    const daemon = (d: string, extra: string[]) =>
      must('ip', ['netns', 'exec', node.ns, 'unshare', '-u', 'sh', '-c', `hostname ${host}; exec /usr/lib/frr/${d} -d -N ${node.ns} -f /dev/null -P 0 ${extra.join(' ')}`], { timeoutMs: 20000 });
    const waitSocket = async (name: string) => {
      for (let i = 0; i < 100 && !existsSync(join(run, name)); i++) await new Promise((r) => setTimeout(r, 100));
      if (!existsSync(join(run, name))) throw new Error(`${name} did not appear in ${run}`);
    };
    await daemon('zebra', ['-s', '90000000']);
    await waitSocket('zserv.api');
    await daemon('bgpd', []);
    await daemon('bfdd', []);
    await waitSocket('bfdd.vty');
    await waitSocket('bgpd.vty');
    return ['/usr/lib/frr/frr-reload.py', '--reload', '--pathspace', node.ns, '--confdir', confdir, '{frrConf}'];
  }

  /**
   * What `systemctl restart frr` does for the node's FRR, as a script the
   * agent runs (SDN_AGENT_FRR_RESTART): the SDN-managed daemons (fabricd,
   * ospfd) run exactly when `<root>/etc/frr/daemons` says `yes` (started like
   * startFrr's, stopped by their pid file), then frr.conf is loaded with
   * frr-reload.py. `{frrConf}` is the agent's placeholder.
   */
  frrRestartArgv(node: LabNode): string[] {
    const script = join(node.root, 'frr-restart.sh');
    const run = `/var/run/frr/${node.ns}`;
    const host = node.ns.replace(/_/g, '-');
    writeFileSync(
      script,
      [
        '#!/bin/sh',
        'set -e',
        `daemons=${shq(join(node.root, 'etc', 'frr', 'daemons'))}`,
        'for d in fabricd ospfd; do',
        `  pidf=${shq(run)}/$d.pid`,
        '  running=no; [ -e "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null && running=yes',
        '  if grep -qx "$d=yes" "$daemons"; then',
        `    [ $running = yes ] || ip netns exec ${shq(node.ns)} unshare -u sh -c "hostname ${host}; exec /usr/lib/frr/$d -d -N ${node.ns} -f /dev/null -P 0"`,
        `    for i in $(seq 100); do [ -S ${shq(run)}/$d.vty ] && break; sleep 0.1; done`,
        '  elif [ $running = yes ]; then',
        '    kill "$(cat "$pidf")"; for i in $(seq 50); do kill -0 "$(cat "$pidf")" 2>/dev/null || break; sleep 0.1; done',
        '  fi',
        'done',
        `exec /usr/lib/frr/frr-reload.py --reload --pathspace ${shq(node.ns)} --confdir ${shq(join(node.root, 'frr-vtysh'))} "$1"`,
        '',
      ].join('\n'),
    );
    chmodSync(script, 0o755);
    return [script, '{frrConf}'];
  }

  /** A point-to-point link between two nodes: veth `devA` in `a`, `devB` in `b`, both up, no address (the bundle gives them theirs). */
  async link(a: LabNode, devA: string, b: LabNode, devB: string): Promise<void> {
    await must('ip', ['link', 'add', 'name', devA, 'netns', a.ns, 'type', 'veth', 'peer', 'name', devB, 'netns', b.ns]);
    await must('ip', ['-n', a.ns, 'link', 'set', devA, 'up']);
    await must('ip', ['-n', b.ns, 'link', 'set', devB, 'up']);
  }

  /** Stand-in for a fabric's `dummy_<fabric>` on kernels without dummy devices (DUMMY_STAND_IN_RULES): one end of an up veth pair. */
  async addFabricLoopback(node: LabNode, fabric: string): Promise<void> {
    await must('ip', ['-n', node.ns, 'link', 'add', 'name', `dummy_${fabric}`, 'type', 'veth', 'peer', 'name', `dp_${fabric}`]);
    await must('ip', ['-n', node.ns, 'link', 'set', `dp_${fabric}`, 'up']);
    await must('ip', ['-n', node.ns, 'link', 'set', `dummy_${fabric}`, 'up']);
  }

  /** vtysh bound to the node's own FRR daemons (its pathspace); `-c <command>` goes after it. */
  vtyshArgv(node: LabNode): string[] {
    return ['vtysh', '-N', node.ns, '--config_dir', join(node.root, 'frr-vtysh')];
  }

  /** `vtysh -N <ns> -c <command>` for assertions and logs. */
  async vtysh(node: LabNode, command: string): Promise<string> {
    const [cmd, ...args] = this.vtyshArgv(node);
    return must(cmd, [...args, '-c', command]);
  }

  /** A plain host on the underlay (no ifupdown2), e.g. the "outside" a SNAT zone reaches. */
  async addHost(name: string, cidr: string): Promise<string> {
    const ns = await this.addNamespace(name);
    await this.plugUnderlay(ns, 'eth0', name);
    await must('ip', ['-n', ns, 'addr', 'add', cidr, 'dev', 'eth0']);
    await must('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    return ns;
  }

  /**
   * A VM: namespace with eth0, its peer `veth<vmid>i0` (a guest port name the
   * shim keeps enslaved across ifreload) attached to `bridge` in `node`.
   */
  async addVm(name: string, node: LabNode, bridge: string, cidr: string, vmid: number, opts: { mtu?: number; gateway?: string } = {}): Promise<string> {
    const ns = await this.addNamespace(name);
    const port = `veth${vmid}i0`;
    await must('ip', ['link', 'add', 'name', 'eth0', 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', node.ns]);
    const mtu = opts.mtu ? ['mtu', String(opts.mtu)] : [];
    await must('ip', ['-n', node.ns, 'link', 'set', port, ...mtu, 'master', bridge, 'up']);
    await must('ip', ['-n', ns, 'link', 'set', 'eth0', ...mtu, 'up']);
    await must('ip', ['-n', ns, 'addr', 'add', cidr, 'dev', 'eth0']);
    if (opts.gateway) await must('ip', ['-n', ns, 'route', 'add', 'default', 'via', opts.gateway]);
    return ns;
  }

  /** Starts a long-running process inside `ns`; output goes to `<base>/<logName>.log`. Stopped by destroy(). */
  spawnIn(ns: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, logName: string): ChildProcess {
    const log = createWriteStream(join(this.base, `${logName}.log`), { flags: 'a' });
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  logPath(logName: string): string {
    return join(this.base, `${logName}.log`);
  }

  /** Stops one process started by spawnIn: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(child: ChildProcess, graceMs = 3000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  async destroy(): Promise<void> {
    await Promise.all([...this.children].map((c) => this.stop(c)));
    for (const ns of this.namespaces) {
      // Processes a test started inside a namespace by other means (ping, daemons).
      const pids = (await exec('ip', ['netns', 'pids', ns])).stdout.split(/\s+/).filter(Boolean);
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      await exec('ip', ['netns', 'del', ns]);
    }
    this.namespaces.length = 0;
    for (const l of this.hostLinks) await exec('ip', ['link', 'del', l]);
    this.hostLinks.length = 0;
    for (const d of this.frrRunDirs) rmSync(d, { recursive: true, force: true });
    this.frrRunDirs.length = 0;
    live.delete(this);
    if (!process.env.SDN_LAB_KEEP) rmSync(this.base, { recursive: true, force: true });
  }

  /** Synchronous cleanup for the exit trap. */
  destroySync(): void {
    for (const c of this.children) c.kill('SIGKILL');
    for (const ns of this.namespaces) {
      for (const pid of (spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '').split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL'); // daemonised FRR is no child of ours
        } catch {
          /* gone */
        }
      }
      execSync('ip', ['netns', 'del', ns]);
    }
    for (const l of this.hostLinks) execSync('ip', ['link', 'del', l]);
    for (const d of this.frrRunDirs) rmSync(d, { recursive: true, force: true });
    this.namespaces.length = 0;
    live.delete(this);
  }
}

/**
 * This test kernel has no VRF devices (CONFIG_NET_VRF), yet PVE's EVPN
 * layout always declares `vrf_<zone>` (`vrf-table auto`) and enslaves the
 * zone's bridges to it. ifupdown2 then sees each VRF as a plain bridge
 * (its post-up routes into the VRF dropped) and no `vrf` enslavement, so
 * every declared device exists and the L2 part (VXLAN, bridges, FRR's
 * EVPN) is real; the L3 VRF routing cannot be tested on such a kernel.
 */
const VRF_STAND_IN_RULES = [
  '  if ($0 ~ /\\n[ \\t]+vrf-table /) {',
  '    gsub(/\\n[ \\t]+vrf-table [^\\n]*/, "\\n\\tbridge-ports none")',
  '    gsub(/\\n[ \\t]+post-up [^\\n]*vrf [^\\n]*/, "")',
  '  }',
  '  gsub(/\\n[ \\t]+vrf [^\\n]*/, "")',
  '',
].join('\n');

/**
 * For kernels without dummy devices (CONFIG_DUMMY): ifupdown2 sees a
 * `link-type dummy` stanza (a fabric's `dummy_<fabric>`) as a plain
 * interface, which the lab creates beforehand as one end of an up veth pair
 * (`addFabricLoopback`): carrier up like a dummy, addresses set by ifupdown2.
 */
const DUMMY_STAND_IN_RULES = ['  gsub(/\\n[ \\t]+link-type dummy/, "")', ''].join('\n');

function standInProgram(rules: string): string {
  return ['BEGIN { RS = ""; ORS = "\\n\\n" }', '{', rules + '  print', '}', ''].join('\n');
}

export const VRF_STAND_IN = standInProgram(VRF_STAND_IN_RULES);

/** Wrapper step: bind-mounts the stand-in view of the node's SDN file over it (inside the wrapper's mount namespace only). */
const STAND_IN_VIEW =
  '{ [ ! -e /etc/network/interfaces.d/sdn ] || { awk -f "$root/stand-in.awk" /etc/network/interfaces.d/sdn > "$root/state/sdn.stand-in" && mount --bind "$root/state/sdn.stand-in" /etc/network/interfaces.d/sdn; }; } && ';

/** Quotes one word for /bin/sh. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
