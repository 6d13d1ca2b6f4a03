import { existsSync } from 'node:fs';
import { dataplaneUnavailable, must, PrivateNatsServer, type LabNode, type NetnsLab } from '@sdn/netns-lab';

/** Debian's dnsmasq (dnsmasq-base), which the agents run, and busybox, whose udhcpc is the VMs' DHCP client. */
export const DNSMASQ = '/usr/sbin/dnsmasq';
export const BUSYBOX = '/usr/bin/busybox';

/** Why the DHCP data-plane tests cannot run here, or null. */
export function dhcpDataplaneUnavailable(): string | null {
  return (
    dataplaneUnavailable() ??
    (PrivateNatsServer.binary() ? null : 'nats-server is not installed') ??
    (existsSync(DNSMASQ) ? null : 'dnsmasq is not installed (dnsmasq-base)') ??
    (existsSync(BUSYBOX) ? null : 'busybox is not installed (udhcpc)')
  );
}

/**
 * A VM: a namespace `name` whose eth0 (with `mac`) is a veth into `vnet`'s
 * bridge on `node` through port `port`, both ends up. Returns the namespace.
 */
export async function plugVm(lab: NetnsLab, node: LabNode, vnet: string, name: string, port: string, mac: string): Promise<string> {
  const ns = await lab.addNamespace(name);
  await must('ip', ['link', 'add', 'name', 'eth0', 'netns', ns, 'address', mac, 'type', 'veth', 'peer', 'name', port, 'netns', node.ns]);
  await must('ip', ['-n', node.ns, 'link', 'set', port, 'master', vnet, 'up']);
  await must('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  return ns;
}
