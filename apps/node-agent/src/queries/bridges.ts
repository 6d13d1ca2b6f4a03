import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BridgePortV1, BridgeV1 } from '@sdn/contracts';
import { parseInterfaces } from '@sdn/render';

/** `bridge -j vlan show dev <port>` entries (iproute2). */
export interface PortVlans {
  vlans?: { vlan: number; vlanEnd?: number; flags?: string[] }[];
}

export interface BridgeReader {
  /** The root of sysfs (`/sys` on a node). */
  sysfs: string;
  portVlans(port: string): Promise<PortVlans | undefined>;
}

/** Guest ports name their VM and NIC: fwpr<vmid>p<N>, veth<vmid>i<N>, tap<vmid>i<N>. */
const GUEST_PORT = /^(?:fwpr(\d+)p(\d+)|veth(\d+)i(\d+)|tap(\d+)i(\d+))$/;

export function guestOfPort(name: string): Pick<BridgePortV1, 'vmid' | 'index'> {
  const m = GUEST_PORT.exec(name);
  if (!m) return {};
  const [vmid, index] = m.slice(1).filter((x) => x !== undefined);
  return { vmid, index };
}

/** PVID and the VLAN list (`<vid>` or `<from>-<to>`) of a port on a VLAN-filtering bridge. */
export function vlansOfPort(v: PortVlans | undefined): Pick<BridgePortV1, 'primary_vlan' | 'vlans'> {
  const out: Pick<BridgePortV1, 'primary_vlan' | 'vlans'> = { vlans: [] };
  for (const e of v?.vlans ?? []) {
    if (e.flags?.includes('PVID')) out.primary_vlan = String(e.vlan);
    out.vlans!.push(e.vlanEnd !== undefined && e.vlanEnd !== e.vlan ? `${e.vlan}-${e.vlanEnd}` : String(e.vlan));
  }
  return out;
}

/** The bridges that exist among `names`, with their ports as the kernel has them now. */
export async function readBridges(names: string[], io: BridgeReader): Promise<BridgeV1[]> {
  const out: BridgeV1[] = [];
  for (const name of names) {
    const dir = join(io.sysfs, 'class', 'net', name);
    const filtering = await readFile(join(dir, 'bridge', 'vlan_filtering'), 'utf8').catch(() => null);
    if (filtering === null) continue; // not (or no longer) a bridge on this node
    const vlanAware = filtering.trim() === '1';
    const ports: BridgePortV1[] = [];
    for (const port of (await readdir(join(dir, 'brif')).catch(() => [] as string[])).sort()) {
      ports.push({ name: port, ...guestOfPort(port), ...(vlanAware ? vlansOfPort(await io.portVlans(port)) : {}) });
    }
    out.push({ name, vlan_filtering: filtering.trim(), ports });
  }
  return out;
}

/** `localnetwork`: the Linux bridges (not OVS) the node's own /etc/network/interfaces defines. */
export function bridgesInInterfaces(text: string): string[] {
  const names: string[] = [];
  for (const st of parseInterfaces(text).stanzas) {
    const has = (key: string) => st.options.some((o) => o.key === key);
    if (has('bridge-ports') && !has('ovs-type') && !names.includes(st.name)) names.push(st.name);
  }
  return names;
}
