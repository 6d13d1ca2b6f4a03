import type { NodeScope } from '../node-scope';

export interface GuestPortRequest {
  /** The guest's port on the node (tap/veth, e.g. `tap100i0`). */
  port: string;
  vnet: string;
  /** The guest NIC's MAC: a static FDB entry when the zone disables MAC learning. */
  mac?: string;
}

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const MAC = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;

/**
 * The commands that plug a guest port into an SDN vnet on this node, as the
 * reference's plug hook does (spec §7.7): enslave it to the vnet bridge, set
 * `learning off` when the zone has `bridge-disable-mac-learning` (with a
 * static FDB entry for the guest MAC), `isolated on` when the vnet has
 * `isolate-ports`, then bring it up. A vnet not deployed on the node is
 * refused with the reference's words. Pure: `scope` is the node's bundle scope.
 */
export function guestPortCommands(scope: NodeScope, req: GuestPortRequest): string[][] {
  if (!IFNAME.test(req.port)) throw new Error(`invalid port name '${req.port}'`);
  if (req.mac !== undefined && !MAC.test(req.mac)) throw new Error(`invalid MAC address '${req.mac}'`);
  const vnet = Object.hasOwn(scope.vnets, req.vnet) ? scope.vnets[req.vnet] : undefined;
  const zone = vnet && Object.hasOwn(scope.zones, vnet.zone) ? scope.zones[vnet.zone] : undefined;
  if (!vnet || !zone) throw new Error(`vnet ${req.vnet} is not allowed on this node`);
  const cmds: string[][] = [['ip', 'link', 'set', 'dev', req.port, 'master', req.vnet]];
  if (zone.disableMacLearning) {
    cmds.push(['bridge', 'link', 'set', 'dev', req.port, 'learning', 'off']);
    if (req.mac) cmds.push(['bridge', 'fdb', 'replace', req.mac.toLowerCase(), 'dev', req.port, 'master', 'static']);
  }
  if (vnet.isolatePorts) cmds.push(['bridge', 'link', 'set', 'dev', req.port, 'isolated', 'on']);
  cmds.push(['ip', 'link', 'set', 'dev', req.port, 'up']);
  return cmds;
}
