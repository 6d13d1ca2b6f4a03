import { isSet, text, type Zone } from '@sdn/model';

/**
 * VXLAN/EVPN default MTU. The reference means "uplink MTU - 50" but never
 * finds the uplink MTU, so operators always get 1450 (rendering.md §1.7).
 */
export const TUNNEL_DEFAULT_MTU = 1450;

/** The zone's MTU for zone types without a default (simple, vlan, qinq). */
export function zoneMtu(zone: Zone): string | undefined {
  return isSet(zone.mtu) ? text(zone.mtu) : undefined;
}

/** The zone's MTU for tunnel zone types (vxlan, evpn). */
export function tunnelMtu(zone: Zone): string {
  return zoneMtu(zone) ?? String(TUNNEL_DEFAULT_MTU);
}
