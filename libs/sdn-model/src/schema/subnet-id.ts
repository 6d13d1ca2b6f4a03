import { parseCidr, parseIp, type IpAddress, type ParsedCidr } from './formats';

/** The three parts of a stored subnet ID `<zone>-<address>-<prefixlen>` (§3.4). */
export interface SubnetIdParts {
  zone: string;
  network: string;
  mask: number;
  cidr: string;
  parsed: ParsedCidr;
}

/**
 * Decomposes a stored subnet ID. Zone IDs and IP addresses never contain `-`,
 * so splitting on it always yields exactly three fields for a valid ID.
 */
export function parseSubnetId(id: string): SubnetIdParts | undefined {
  if (typeof id !== 'string') return undefined;
  const parts = id.split('-');
  if (parts.length !== 3 || parts[0] === '') return undefined;
  const cidr = `${parts[1]}/${parts[2]}`;
  const parsed = parseCidr(cidr);
  if (!parsed) return undefined;
  return { zone: parts[0], network: parts[1], mask: parsed.prefix, cidr, parsed };
}

/**
 * The stored ID for a subnet created as `cidr` on a vnet of `zone`. The
 * address is kept verbatim: `10.0.0.5/24` yields `z-10.0.0.5-24`, exactly as
 * the reference does, because the ID is also the key in IPAM and DNS.
 */
export function buildSubnetId(zone: string, cidr: string): string {
  return `${zone}-${cidr.replace('/', '-')}`;
}

export interface DhcpRange {
  'start-address': string;
  'end-address': string;
}

const DHCP_RANGE_KEYS = ['start-address', 'end-address'] as const;

/** Parses a `pve-sdn-dhcp-range` property string; both keys are required. */
export function parseDhcpRange(value: string): { range?: DhcpRange; error?: string } {
  if (typeof value !== 'string') return { error: 'invalid format - not a property string' };
  const out: Partial<Record<string, string>> = {};
  for (const part of value.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) return { error: `invalid format - missing '=' in '${part}'` };
    const key = part.slice(0, eq).trim();
    const val = part.slice(eq + 1).trim();
    if (!(DHCP_RANGE_KEYS as readonly string[]).includes(key)) return { error: `invalid format - unknown key '${key}'` };
    if (out[key] !== undefined) return { error: `invalid format - duplicate key '${key}'` };
    out[key] = val;
  }
  for (const key of DHCP_RANGE_KEYS) {
    if (out[key] === undefined || out[key] === '') return { error: `invalid format - ${key}: property is missing` };
  }
  return { range: { 'start-address': out['start-address'] as string, 'end-address': out['end-address'] as string } };
}

export function formatDhcpRange(range: DhcpRange): string {
  return `start-address=${range['start-address']},end-address=${range['end-address']}`;
}

/** A single address, or undefined; used for the semantic dhcp-range checks (S5). */
export function singleIp(value: string): IpAddress | undefined {
  return parseIp(value);
}

/**
 * A subnet as the API returns it (§1.9): stored properties plus the fields
 * derived from its ID, and `dhcp-range` parsed into objects (entries that do
 * not parse are dropped, as the reference does).
 */
export function subnetView(id: string, subnet: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...subnet, type: 'subnet', subnet: id, id };
  const parts = parseSubnetId(id);
  if (parts) {
    out.cidr = parts.cidr;
    out.zone = parts.zone;
    out.network = parts.network;
    out.mask = String(parts.mask);
  }
  const ranges = subnet['dhcp-range'];
  if (ranges !== undefined) {
    const list = Array.isArray(ranges) ? ranges : [ranges];
    out['dhcp-range'] = list
      .map((r) => (typeof r === 'string' ? parseDhcpRange(r).range : undefined))
      .filter((r): r is DhcpRange => r !== undefined);
  }
  return out;
}
