import { createHash } from 'node:crypto';
import { access, constants, open, readFile } from 'node:fs/promises';
import type { InlineNodeBundleV1, NodeBundleFileBytes, NodeBundleVersionV1 } from '@sdn/contracts';
import { parseInterfaces, setDaemonLines, withVersionLineBytes } from '@sdn/render';
import { managedPaths, type AgentConfig } from '../config/agent-config';
import { removeIfExists, writeAtomic } from './atomic-write';
import { archiveBundle } from './history';
import { failingInterfaces, parseIfqueryCheck, type IfqueryEntry } from './ifquery';
import { dedupPostUpRules } from './iptables-dedup';
import { run, type RunResult } from './run';

export interface AppliedState {
  version: number;
  hash: string;
  task?: string;
  at: string;
  /** Hash of the full bundle whose files these are when a version-only message re-versioned them (NodeBundleVersionV1.baseHash). */
  baseHash?: string;
  /**
   * sha256 of the interfaces file and (when the bundle manages it) frr.conf
   * as written: a version-only apply rewrites the version line only when the
   * files are still these (a hand-edited file gets the full bundle again).
   */
  digests?: { interfaces: string; frr?: string };
}

export interface ApplyOutcome {
  /** `unchanged`: same files already in place, nothing was run. */
  state: 'applied' | 'unchanged' | 'error';
  version: number;
  message?: string;
  /** The version running after this attempt (the previous one after a rollback). */
  running: AppliedState | null;
  ms: number;
}

/**
 * File contents: the bundle's text, or the bytes read from disk. What is on
 * disk is only written back (rollback) or compared, so it is not decoded: a
 * multi-MB UTF-8 decode per apply, for nothing on the usual path.
 */
export type Content = string | Buffer;

interface Files {
  interfaces: Content | null;
  frr: Content | null;
  /** `/etc/frr/daemons`; in the next files, null = left as it is (no managed daemon changes). */
  daemons: Content | null;
}

export type Logger = (msg: string) => void;

/** A bundle to apply; its files as text or as the UTF-8 bytes they travelled as (unpackNodeBundleBytes). */
export type ApplyBundle = Omit<InlineNodeBundleV1, 'files'> & { files: InlineNodeBundleV1['files'] | NodeBundleFileBytes };

class StepError extends Error {}

/**
 * Applies bundles as a transaction: write both files atomically, reload,
 * check; on any failure put the previous files back and reload those, so a
 * node runs either the old or the new configuration, never a mix.
 */
export class Applier {
  readonly paths: ReturnType<typeof managedPaths>;
  private lastCheck: Map<string, IfqueryEntry> | null = null;
  /** Checks overlap (heartbeat vs apply): a result only replaces one from an earlier-started check. */
  private checkStarted = 0;
  private checkStored = 0;
  /**
   * Called whenever the SDN file was replaced (by an apply or a rollback)
   * with what it now holds, before anything else can run: status published
   * during a long apply then need not read the multi-MB file back.
   */
  onInterfacesWritten: (content: Content | null) => Promise<void> = async () => undefined;

  constructor(
    private readonly cfg: AgentConfig,
    private readonly log: Logger = () => undefined,
  ) {
    this.paths = managedPaths(cfg.root);
  }

  get live(): boolean {
    return this.cfg.mode === 'live';
  }

  async state(): Promise<AppliedState | null> {
    try {
      return JSON.parse(await readFile(`${this.paths.stateDir}/applied.json`, 'utf8')) as AppliedState;
    } catch {
      return null;
    }
  }

  /** The most recent `ifquery -a -c` result (live mode), for status. */
  get check(): Map<string, IfqueryEntry> | null {
    return this.lastCheck;
  }

  async apply(bundle: ApplyBundle): Promise<ApplyOutcome> {
    const t0 = Date.now();
    const before = await this.state();
    const prev = await this.readFiles();
    const frrManaged = bundle.files.frr !== undefined;
    const daemons = frrManaged ? this.nextDaemons(bundle, prev.daemons) : { text: null };
    // Refused before anything is written: the node keeps running what it runs.
    if (daemons.problem) return { state: 'error', version: bundle.version, message: daemons.problem, running: before, ms: Date.now() - t0 };
    // Skip by content, not only by the recorded hash: a hand-edited file is re-written.
    const same =
      before?.hash === bundle.hash && sameContent(prev.interfaces, bundle.files.interfaces) && (!frrManaged || sameContent(prev.frr, bundle.files.frr ?? null)) && daemons.text === null;
    if (same) return { state: 'unchanged', version: bundle.version, running: before, ms: Date.now() - t0 };

    const next: Files = { interfaces: bundle.files.interfaces, frr: frrManaged ? (bundle.files.frr as Content) : prev.frr, daemons: daemons.text };
    try {
      await this.writeFiles(next);
      // History is for the operator: failing to keep it must not fail the apply.
      await archiveBundle(this.paths.stateDir, bundle.version, bundle.hash, bundle.files, this.cfg.keepHistory, {
        interfaces: this.paths.sdnInterfaces,
        ...(frrManaged ? { frr: this.paths.frrConf } : {}),
      }).catch((e: unknown) => this.log(`bundle history not kept: ${String(e)}`));
      if (this.live) await this.activate(prev, next);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log(`apply of version ${bundle.version} failed, restoring the previous files: ${message}`);
      const restoreProblem = await this.restore(prev, next);
      return {
        state: 'error',
        version: bundle.version,
        message: restoreProblem ? `${message}; restoring the previous configuration also failed: ${restoreProblem}` : message,
        running: before,
        ms: Date.now() - t0,
      };
    }
    const digests = { interfaces: digest(next.interfaces), ...(frrManaged ? { frr: digest(next.frr) } : {}) };
    const running: AppliedState = { version: bundle.version, hash: bundle.hash, task: bundle.task, at: new Date().toISOString(), digests };
    await writeAtomic(`${this.paths.stateDir}/applied.json`, JSON.stringify(running));
    return { state: 'applied', version: bundle.version, running, ms: Date.now() - t0 };
  }

  /**
   * A version-only message: when the files in place are those of its base
   * bundle (as last written, by a full apply or an earlier version-only
   * one), rewrites the interfaces file's version line and records the new
   * version; nothing is reloaded (only a comment changed). Null when the
   * files are not the base's: the caller applies the base bundle in full.
   */
  async applyVersion(m: NodeBundleVersionV1): Promise<ApplyOutcome | null> {
    const t0 = Date.now();
    const before = await this.state();
    if (!before?.digests || (before.hash !== m.baseHash && before.baseHash !== m.baseHash)) return null;
    if (before.hash === m.hash) return { state: 'unchanged', version: m.version, running: before, ms: Date.now() - t0 };
    const current = await readWhole(this.paths.sdnInterfaces).catch(() => null);
    if (current === null || digest(current) !== before.digests.interfaces) return null;
    if (before.digests.frr !== undefined && digest(await readWhole(this.paths.frrConf).catch(() => null)) !== before.digests.frr) return null;
    const next = withVersionLineBytes(current, m.version);
    if (!next) return null;
    await writeAtomic(this.paths.sdnInterfaces, next);
    await this.onInterfacesWritten(next);
    const running: AppliedState = { version: m.version, hash: m.hash, task: m.task, at: new Date().toISOString(), baseHash: m.baseHash, digests: { ...before.digests, interfaces: digest(next) } };
    await writeAtomic(`${this.paths.stateDir}/applied.json`, JSON.stringify(running));
    return { state: 'applied', version: m.version, running, ms: Date.now() - t0 };
  }

  /** Re-runs the ifupdown2 check (live mode) so heartbeats report the current interface state. */
  async refreshCheck(): Promise<void> {
    if (!this.live) return;
    await this.runCheck().catch(() => undefined);
  }

  private async runCheck(): Promise<Map<string, IfqueryEntry>> {
    const seq = ++this.checkStarted;
    const q = await this.cmd(this.cfg.commands.ifquery);
    let check: Map<string, IfqueryEntry>;
    try {
      check = parseIfqueryCheck(q.stdout);
    } catch {
      throw new StepError(`ifquery check gave no JSON (rc ${q.code}): ${lastLines(q)}`);
    }
    if (seq > this.checkStored) {
      this.checkStored = seq;
      this.lastCheck = check;
    }
    return check;
  }

  /**
   * The daemons file the bundle asks for (spec §7.6.6): null when no managed
   * daemon changes. Without the file (no FRR package) nothing can be
   * switched on: that is the reference's error, unless every managed daemon
   * stays off or the agent does not run the node (safe mode).
   */
  private nextDaemons(bundle: ApplyBundle, current: Content | null): { text: string | null; problem?: string } {
    const want = bundle.frrDaemons;
    if (!want) return { text: null };
    if (current === null) {
      if (this.live && (want.fabricd || want.ospfd)) return { text: null, problem: `${this.paths.frrDaemons} file does not exist; is the frr package installed?` };
      return { text: null };
    }
    const r = setDaemonLines(text(current), want);
    return { text: r.changed ? r.text : null };
  }

  private async activate(prev: Files, next: Files): Promise<void> {
    const r = await this.cmd(this.cfg.commands.ifreload);
    if (r.code !== 0) throw new StepError(`ifreload failed (rc ${r.code}): ${lastLines(r)}`);
    await this.dedup(next.interfaces);
    // A reload cannot start or stop a daemon: a changed daemon set needs a restart, which also reads the new frr.conf.
    if (next.daemons !== null) await this.restartFrr(next.daemons);
    else if (!sameContent(next.frr, prev.frr) && next.frr !== null) await this.reloadFrr();
    const check = await this.runCheck();
    const failing = failingInterfaces(check, sdnDevices(next.interfaces));
    if (failing.length) throw new StepError(`ifquery check failed: ${failing.join('; ')}`);
  }

  /** Puts `prev` back and reloads it; returns a problem description or null. */
  private async restore(prev: Files, failed: Files): Promise<string | null> {
    try {
      // The daemons file is put back only when the failed apply changed it.
      await this.writeFiles({ ...prev, daemons: failed.daemons === null ? null : prev.daemons });
      if (!this.live) return null;
      const problems: string[] = [];
      const r = await this.cmd(this.cfg.commands.ifreload);
      if (r.code !== 0) problems.push(`ifreload rc ${r.code}: ${lastLines(r)}`);
      // Devices only the failed file declared may survive a partial ifreload.
      const keep = new Set(sdnDevices(prev.interfaces));
      for (const dev of sdnDevices(failed.interfaces)) {
        if (keep.has(dev)) continue;
        if ((await run(['ip', 'link', 'show', 'dev', dev])).code === 0) await run(['ip', 'link', 'del', 'dev', dev]);
      }
      await this.dedup(prev.interfaces);
      if (failed.daemons !== null && prev.daemons !== null) await this.restartFrr(prev.daemons).catch((e: Error) => problems.push(e.message));
      else if (!sameContent(failed.frr, prev.frr) && prev.frr !== null) await this.reloadFrr().catch((e: Error) => problems.push(e.message));
      await this.refreshCheck();
      return problems.length ? problems.join('; ') : null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  private async reloadFrr(): Promise<void> {
    const argv = this.cfg.commands.frrReload.map((a) => a.replace('{frrConf}', this.paths.frrConf));
    if (argv.length === 0) return;
    // "where available": a node without FRR installed cannot run EVPN anyway; say so instead of failing every apply.
    if (argv[0].startsWith('/') && !(await access(argv[0], constants.X_OK).then(() => true, () => false))) {
      this.log(`${argv[0]} not available: FRR configuration written but not reloaded`);
      return;
    }
    // Not through the ifupdown2 wrapper: FRR's sockets live in the real /run, which that wrapper hides.
    const r = await run(argv);
    if (r.code !== 0) throw new StepError(`FRR reload failed (rc ${r.code}): ${lastLines(r)}`);
  }

  private async restartFrr(daemons: Content): Promise<void> {
    const argv = (this.cfg.commands.frrRestart ?? []).map((a) => a.replace('{frrConf}', this.paths.frrConf));
    const on = parseDaemonSwitches(text(daemons));
    if (argv.length === 0) throw new StepError(`FRR must restart to switch ${on} but no restart command is set (SDN_AGENT_FRR_RESTART)`);
    this.log(`restarting FRR: the daemons SDN manages changed (${on})`);
    // Not through the ifupdown2 wrapper: FRR's sockets live in the real /run, which that wrapper hides.
    const r = await run(argv, 60_000);
    if (r.code !== 0) throw new StepError(`FRR restart failed (rc ${r.code}): ${lastLines(r)}`);
  }

  private async dedup(interfaces: Content | null): Promise<void> {
    const postUps = parseInterfaces(text(interfaces)).stanzas.flatMap((s) => s.options.filter((o) => o.key === 'post-up').map((o) => o.value));
    const removed = await dedupPostUpRules(postUps, (argv) => run(argv));
    if (removed) this.log(`removed ${removed} duplicate iptables rule(s) re-added by post-up`);
  }

  private cmd(argv: string[]): Promise<RunResult> {
    return run([...this.cfg.commands.wrapper, ...argv]);
  }

  private async readFiles(): Promise<Files> {
    const rd = (p: string) => readWhole(p).catch(() => null);
    return { interfaces: await rd(this.paths.sdnInterfaces), frr: await rd(this.paths.frrConf), daemons: await rd(this.paths.frrDaemons) };
  }

  private async writeFiles(f: Files): Promise<void> {
    if (f.interfaces === null) await removeIfExists(this.paths.sdnInterfaces);
    else await writeAtomic(this.paths.sdnInterfaces, f.interfaces);
    await this.onInterfacesWritten(f.interfaces);
    if (f.frr === null) await removeIfExists(this.paths.frrConf);
    else await writeAtomic(this.paths.frrConf, f.frr);
    if (f.daemons !== null) await writeAtomic(this.paths.frrDaemons, f.daemons);
  }
}

/**
 * The file's bytes in one read: readFile reads in 512 KiB chunks, each a
 * trip through libuv's thread pool, which the fsyncs of an apply keep busy.
 */
async function readWhole(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await fh.read(buf, got, size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === size ? buf : buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

/** `fabricd=yes, ospfd=no`: the managed switches of a daemons file, for log lines and errors. */
function parseDaemonSwitches(file: string): string {
  return file
    .split('\n')
    .filter((l) => /^(fabricd|ospfd)=/.test(l))
    .join(', ');
}

function sdnDevices(content: Content | null): string[] {
  return parseInterfaces(text(content)).stanzas.map((s) => s.name);
}

function text(c: Content | null): string {
  return c === null ? '' : typeof c === 'string' ? c : c.toString('utf8');
}

/** Same bytes; a bundle's text is encoded only when the sizes agree. */
function sameContent(a: Content | null, b: Content | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a === 'string' && typeof b === 'string') return false;
  const ab = typeof a === 'string' ? null : a;
  const bb = typeof b === 'string' ? null : b;
  const len = (c: Content, buf: Buffer | null) => (buf ? buf.length : Buffer.byteLength(c as string));
  if (len(a, ab) !== len(b, bb)) return false;
  return (ab ?? Buffer.from(a as string)).equals(bb ?? Buffer.from(b as string));
}

function digest(c: Content | null): string {
  return c === null ? '' : createHash('sha256').update(c).digest('hex');
}

function lastLines(r: RunResult): string {
  return (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' | ');
}
