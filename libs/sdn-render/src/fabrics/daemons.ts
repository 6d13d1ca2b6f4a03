import type { ConfigWithFabrics } from './model';
import { fabrics } from './model';

/**
 * The FRR daemons SDN switches in `/etc/frr/daemons` (spec §7.6.6): the
 * reference manages exactly these two and leaves every other line alone.
 */
export const SDN_MANAGED_DAEMONS = ['fabricd', 'ospfd'] as const;
export type SdnManagedDaemon = (typeof SDN_MANAGED_DAEMONS)[number];
export type FrrDaemons = Record<SdnManagedDaemon, boolean>;

const DAEMON_OF: Record<'openfabric' | 'ospf', SdnManagedDaemon> = { openfabric: 'fabricd', ospf: 'ospfd' };

/**
 * Which managed daemons `node` must run: a protocol's daemon is on when the
 * node is a member of a fabric of that protocol, off otherwise (the
 * reference's `enabled_daemons(node)` with `set_daemon_status(…, 1)`: absent
 * daemons go back to their default, off).
 */
export function fabricDaemons(config: ConfigWithFabrics, node: string): FrrDaemons {
  const out: FrrDaemons = { fabricd: false, ospfd: false };
  for (const f of fabrics(config)) if (f.nodes.some((n) => n.node === node)) out[DAEMON_OF[f.protocol]] = true;
  return out;
}

/**
 * `/etc/frr/daemons` with the managed daemons set as `daemons` says: a
 * `<name>=…` line of a managed daemon becomes `<name>=yes|no`, every other
 * line is kept as it is (the reference's line rewrite; a daemon without a
 * line is not added, as there). `changed`: a managed line's value changed,
 * which FRR only picks up on a restart, not a reload.
 */
export function setDaemonLines(file: string, daemons: FrrDaemons): { text: string; changed: boolean } {
  let changed = false;
  const lines = file.split('\n');
  // A final newline splits into a last empty item: keep it as the file's end, not a line.
  const last = lines.length > 0 && lines[lines.length - 1] === '' ? lines.pop() : undefined;
  const out = lines.map((line) => {
    const m = /^([a-z_]+)=/.exec(line);
    if (!m || !(SDN_MANAGED_DAEMONS as readonly string[]).includes(m[1])) return line;
    const next = `${m[1]}=${daemons[m[1] as SdnManagedDaemon] ? 'yes' : 'no'}`;
    if (next !== line) changed = true;
    return next;
  });
  return { text: out.join('\n') + (last === undefined ? '' : '\n'), changed };
}
