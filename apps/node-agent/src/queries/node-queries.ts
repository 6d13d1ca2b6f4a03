import type { NodeQueryReplyV1, NodeQueryV1 } from '@sdn/contracts';
import type { RunResult } from '../apply/run';
import { type BridgeReader, readBridges } from './bridges';
import { fabricInterfaceSet, fabricRoutes, openfabricInterfaces, openfabricNeighbors, ospfInterfaces, ospfNeighbors } from './fabric-status';
import { macVrfRoutes, vrfRoutes } from './frr-routes';

export interface NodeQueryDeps {
  /** Safe-mode agents write files for a node they do not run: they have no live state to report. */
  live: boolean;
  /** Runs `vtysh -c <command>` (with the node's FRR options). */
  vtysh(command: string): Promise<RunResult>;
  bridges: BridgeReader;
  /** Bridges of type bridge in the node's own /etc/network/interfaces (`localnetwork`). */
  localBridges(): Promise<string[]>;
}

const fail = (error: string): NodeQueryReplyV1 => ({ v: 1, ok: false, error });

async function frrJson(deps: NodeQueryDeps, command: string): Promise<unknown> {
  const r = await deps.vtysh(command);
  if (r.code !== 0) throw new Error(`vtysh -c '${command}' failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 300) || 'no output'}`);
  // FRR prints `{}` for an unknown VRF or VNI, and nothing at all in some releases.
  return r.stdout.trim() ? JSON.parse(r.stdout) : {};
}

/** The FRR commands the reference runs for each fabric question (one daemon per protocol, so no fabric name in them). */
async function fabricQuery(q: Extract<NodeQueryV1, { fabric: string }>, deps: NodeQueryDeps) {
  const ifaces = fabricInterfaceSet(q.fabric, q.interfaces);
  const openfabric = q.protocol === 'openfabric';
  switch (q.query) {
    case 'fabric-routes':
      if (!openfabric) return fabricRoutes(await frrJson(deps, 'show ip route ospf json'), ifaces);
      // OpenFabric carries both families.
      return [...fabricRoutes(await frrJson(deps, 'show ip route openfabric json'), ifaces), ...fabricRoutes(await frrJson(deps, 'show ipv6 route openfabric json'), ifaces)];
    case 'fabric-neighbors':
      return openfabric ? openfabricNeighbors(await frrJson(deps, 'show openfabric neighbor detail json'), q.fabric) : ospfNeighbors(await frrJson(deps, 'show ip ospf neighbor json'), ifaces);
    case 'fabric-interfaces':
      return openfabric ? openfabricInterfaces(await frrJson(deps, 'show openfabric interface json'), q.fabric) : ospfInterfaces(await frrJson(deps, 'show ip ospf interface json'), ifaces);
  }
}

/** The answer to one question about this node's live state (spec §1.14). */
export async function answerNodeQuery(q: NodeQueryV1, deps: NodeQueryDeps): Promise<NodeQueryReplyV1> {
  if (!deps.live) return fail('this node agent runs in safe mode (it does not run the node network); set SDN_AGENT_MODE=live');
  try {
    switch (q.query) {
      case 'bridges':
        return { v: 1, ok: true, data: await readBridges(q.bridges ?? (await deps.localBridges()), deps.bridges) };
      case 'ip-vrf':
        return { v: 1, ok: true, data: vrfRoutes(await frrJson(deps, `show ip route vrf ${q.vrf} json`)) };
      case 'mac-vrf':
        return { v: 1, ok: true, data: macVrfRoutes(await frrJson(deps, `show bgp l2vpn evpn route vni ${q.vni} type 2 json`)) };
      case 'fabric-routes':
      case 'fabric-neighbors':
      case 'fabric-interfaces':
        return { v: 1, ok: true, data: await fabricQuery(q, deps) };
    }
  } catch (e) {
    return fail((e as Error).message);
  }
}
