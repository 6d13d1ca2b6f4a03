import ipaddr from 'ipaddr.js';
import { splitList } from '../values';

/**
 * Format checks of §0.4. Each returns `undefined` when the value is fine and
 * the error message otherwise, so a caller can attach it to a path without
 * try/catch. Messages follow the reference's JSON-schema wording.
 */
export type FormatCheck = (value: string) => string | undefined;

export type IpFamily = 4 | 6;
export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

export interface ParsedCidr {
  address: IpAddress;
  prefix: number;
  family: IpFamily;
}

/**
 * Strict address parsing: ipaddr.js also accepts "10", "0x0a.1" or IPv6 zone
 * indexes ("fe80::1%eth0"); none of those are addresses the reference's `ip`
 * format accepts, and all of them would end up verbatim in rendered files.
 */
export function parseIp(value: string): IpAddress | undefined {
  if (typeof value !== 'string') return undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) return ipaddr.IPv4.parse(value);
  if (value.includes(':') && !value.includes('%') && ipaddr.IPv6.isValid(value)) return ipaddr.IPv6.parse(value);
  return undefined;
}

export function ipFamily(addr: IpAddress): IpFamily {
  return addr.kind() === 'ipv4' ? 4 : 6;
}

/** `<addr>/<len>` with 8 ≤ len ≤ 32 (v4) or 8 ≤ len ≤ 128 (v6); host bits may be set. */
export function parseCidr(value: string): ParsedCidr | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (!m) return undefined;
  const address = parseIp(m[1]);
  if (!address) return undefined;
  const prefix = Number(m[2]);
  const family = ipFamily(address);
  if (prefix < 8 || prefix > (family === 4 ? 32 : 128)) return undefined;
  return { address, prefix, family };
}

/** Address as an unsigned integer, for range and overlap arithmetic on both families. */
export function ipToBigInt(addr: IpAddress): bigint {
  let n = 0n;
  for (const b of addr.toByteArray()) n = (n << 8n) | BigInt(b);
  return n;
}

/** First and last address of the network a CIDR lies in. */
export function cidrBounds(cidr: ParsedCidr): { first: bigint; last: bigint } {
  const bits = BigInt(cidr.family === 4 ? 32 : 128);
  const hostBits = bits - BigInt(cidr.prefix);
  const mask = (1n << hostBits) - 1n;
  const first = ipToBigInt(cidr.address) & ~mask;
  return { first, last: first | mask };
}

export function cidrContains(cidr: ParsedCidr, addr: IpAddress): boolean {
  if (ipFamily(addr) !== cidr.family) return false;
  return addr.match(cidr.address, cidr.prefix);
}

const NODE_RE = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const MAC_RE = /^[a-f0-9][02468ace](:[a-f0-9]{2}){5}$/i;
const DNS_LABEL = '[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?';
const DNS_NAME_RE = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);
const CONFIGID_RE = /^[a-z][a-z0-9_-]+$/i;
const IFACE_RE = /^[a-z][a-z0-9_]{1,20}([:.]\d+)?$/i;
const BGP_RT_RE = /^(\d+):(\d+)$/;
const ISIS_NET_RE = /^[a-fA-F0-9]{2}(\.[a-fA-F0-9]{4}){3,9}\.[a-fA-F0-9]{2}$/;
const FABRIC_ID_RE = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,6}[a-zA-Z0-9]$/;
const FINGERPRINT_RE = /^([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}$/;
// Linux interface names: at most 15 bytes (IFNAMSIZ - 1), no whitespace, no '/'.
// Bridge and loopback names are plain strings in the reference; this is the
// least the kernel itself demands, so a typo cannot reach a rendered file.
const KERNEL_IFNAME_RE = /^[^\s/:]{1,15}$/;
const HTTP_URL_RE = /^https?:\/\/[^\s/?#]+(\/[^\s]*)?$/i;
// An FRR area tag is a single WORD in `router isis <domain>`.
const ISIS_DOMAIN_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;
// Values end up as single lines in section-config files and rendered configs.
const CONTROL_RE = /[\x00-\x1f\x7f]/;

const U32_MAX = 4294967295n;

function listOf(check: FormatCheck): FormatCheck {
  return (value) => {
    for (const item of splitList(value)) {
      const err = check(item);
      if (err) return err;
    }
    return undefined;
  };
}

export const checkPveNode: FormatCheck = (v) => (NODE_RE.test(v) ? undefined : 'value does not look like a valid node name');
export const checkIp: FormatCheck = (v) => (parseIp(v) ? undefined : 'value does not look like a valid IP address');
export const checkIpv4: FormatCheck = (v) => (parseIp(v)?.kind() === 'ipv4' ? undefined : 'value does not look like a valid IPv4 address');
export const checkIpv6: FormatCheck = (v) => (parseIp(v)?.kind() === 'ipv6' ? undefined : 'value does not look like a valid IPv6 address');
export const checkCidr: FormatCheck = (v) => (parseCidr(v) ? undefined : 'value does not look like a valid CIDR network');
export const checkCidrV4: FormatCheck = (v) => (parseCidr(v)?.family === 4 ? undefined : 'value does not look like a valid IPv4 CIDR network');
export const checkCidrV6: FormatCheck = (v) => (parseCidr(v)?.family === 6 ? undefined : 'value does not look like a valid IPv6 CIDR network');
/** An OSPF area: dotted-quad or a 32-bit number (FRR's `ip ospf area` takes both). */
export const checkOspfArea: FormatCheck = (v) =>
  ipaddr.IPv4.isValidFourPartDecimal(v) || (/^\d{1,10}$/.test(v) && BigInt(v) <= U32_MAX)
    ? undefined
    : 'value does not look like a valid OSPF area (an IPv4 address or a number from 0 to 4294967295)';
export const checkMacAddr: FormatCheck = (v) => (MAC_RE.test(v) ? undefined : 'value does not look like a valid unicast MAC address');
export const checkDnsName: FormatCheck = (v) => (DNS_NAME_RE.test(v) ? undefined : 'value does not look like a valid DNS name');
export const checkConfigId: FormatCheck = (v) => (CONFIGID_RE.test(v) ? undefined : `invalid configuration ID '${v}'`);
export const checkIface: FormatCheck = (v) => (IFACE_RE.test(v) ? undefined : `invalid network interface name '${v}'`);
const utf8 = new TextEncoder();
/** The kernel's own rule (dev_valid_name): at most 15 bytes, not `.` or `..`, no whitespace, `/` or `:`. */
export const checkKernelIfname: FormatCheck = (v) =>
  KERNEL_IFNAME_RE.test(v) && v !== '.' && v !== '..' && utf8.encode(v).length <= 15
    ? undefined
    : 'value does not look like a valid interface name (1 to 15 bytes, not . or .., no whitespace, no / or :)';
export const checkBgpRt: FormatCheck = (v) => {
  const m = BGP_RT_RE.exec(v);
  if (m && BigInt(m[1]) <= U32_MAX && BigInt(m[2]) <= U32_MAX) return undefined;
  return 'value does not look like a valid bgp route-target';
};
export const checkIsisNet: FormatCheck = (v) =>
  v.length >= 20 && v.length <= 50 && ISIS_NET_RE.test(v) ? undefined : 'value does not look like a valid isis net';
export const checkFabricId: FormatCheck = (v) => (FABRIC_ID_RE.test(v) ? undefined : 'value does not look like a valid fabric ID (2 to 8 letters, digits or -)');
export const checkFingerprint: FormatCheck = (v) => (FINGERPRINT_RE.test(v) ? undefined : 'value does not look like a valid SHA-256 certificate fingerprint');
export const checkHttpUrl: FormatCheck = (v) => (HTTP_URL_RE.test(v) ? undefined : 'value does not look like a valid http(s) URL');
export const checkIsisDomain: FormatCheck = (v) => (ISIS_DOMAIN_RE.test(v) ? undefined : 'value does not look like a valid IS-IS domain name (one word)');
export const checkNoControlChars: FormatCheck = (v) => (CONTROL_RE.test(v) ? 'value must not contain control characters' : undefined);

/** `pve-sdn-subnet-id`: a CIDR, or `<zone>-<ip>-<mask>` whose `<ip>/<mask>` is a CIDR. */
export const checkSubnetId: FormatCheck = (v) => (parseSubnetIdLoose(v) ? undefined : 'value does not look like a valid CIDR network');

function parseSubnetIdLoose(v: string): ParsedCidr | undefined {
  if (v.includes('/')) return parseCidr(v);
  const parts = v.split('-');
  if (parts.length !== 3) return undefined;
  return parseCidr(`${parts[1]}/${parts[2]}`);
}

// --- ID formats (§0.4 "ID parameters") -------------------------------------

const SHORT_ID_RE = /^[a-zA-Z][a-zA-Z0-9]*[a-zA-Z0-9]$/;
const CONTROLLER_ID_RE = /^[a-zA-Z][a-zA-Z0-9_-]*[a-zA-Z0-9]$/;

function idCheck(what: string, re: RegExp, min: number, max: number | undefined, shape: string): FormatCheck {
  return (v) => {
    if (v.length < min) return `${what} ID '${v}' must be at least ${min} characters long`;
    if (max !== undefined && v.length > max) return `${what} ID '${v}' may only be ${max} characters long`;
    return re.test(v) ? undefined : `invalid ${what} ID '${v}': ${shape}`;
  };
}

const LETTERS_DIGITS = 'only letters and digits, starting with a letter';
export const checkZoneId = idCheck('zone', SHORT_ID_RE, 2, 8, LETTERS_DIGITS);
export const checkVnetId = idCheck('vnet', SHORT_ID_RE, 2, 8, LETTERS_DIGITS);
export const checkControllerId = idCheck('controller', CONTROLLER_ID_RE, 2, 64, 'letters, digits, - and _, starting with a letter and ending with a letter or digit');
// The reference sets no maximum for IPAM and DNS IDs; 64 keeps them in line
// with controller IDs and within what any ACL path or log line should carry.
export const checkIpamId = idCheck('ipam', SHORT_ID_RE, 2, 64, LETTERS_DIGITS);
export const checkDnsId = idCheck('dns', SHORT_ID_RE, 2, 64, LETTERS_DIGITS);

export type FormatName =
  | 'pve-node'
  | 'pve-node-list'
  | 'ip'
  | 'ipv4'
  | 'ipv6'
  | 'ip-list'
  | 'CIDR'
  | 'CIDRv4'
  | 'CIDRv6'
  | 'ospf-area'
  | 'mac-addr'
  | 'dns-name'
  | 'pve-configid'
  | 'pve-configid-list'
  | 'pve-iface'
  | 'pve-iface-list'
  | 'pve-sdn-bgp-rt'
  | 'pve-sdn-bgp-rt-list'
  | 'pve-sdn-isis-net'
  | 'pve-sdn-subnet-id'
  | 'pve-sdn-fabric-id'
  | 'fingerprint-sha256'
  | 'http-url'
  | 'kernel-ifname'
  | 'isis-domain'
  | 'zone-id'
  | 'vnet-id'
  | 'controller-id'
  | 'ipam-id'
  | 'dns-id';

export const FORMATS: Readonly<Record<FormatName, FormatCheck>> = {
  'pve-node': checkPveNode,
  'pve-node-list': listOf(checkPveNode),
  ip: checkIp,
  ipv4: checkIpv4,
  ipv6: checkIpv6,
  'ip-list': listOf(checkIp),
  CIDR: checkCidr,
  CIDRv4: checkCidrV4,
  CIDRv6: checkCidrV6,
  'ospf-area': checkOspfArea,
  'mac-addr': checkMacAddr,
  'dns-name': checkDnsName,
  'pve-configid': checkConfigId,
  'pve-configid-list': listOf(checkConfigId),
  'pve-iface': checkIface,
  'pve-iface-list': listOf(checkIface),
  'pve-sdn-bgp-rt': checkBgpRt,
  'pve-sdn-bgp-rt-list': listOf(checkBgpRt),
  'pve-sdn-isis-net': checkIsisNet,
  'pve-sdn-subnet-id': checkSubnetId,
  'pve-sdn-fabric-id': checkFabricId,
  'fingerprint-sha256': checkFingerprint,
  'http-url': checkHttpUrl,
  'kernel-ifname': checkKernelIfname,
  'isis-domain': checkIsisDomain,
  'zone-id': checkZoneId,
  'vnet-id': checkVnetId,
  'controller-id': checkControllerId,
  'ipam-id': checkIpamId,
  'dns-id': checkDnsId,
};

/** Formats whose value is a list (§0.4 list formats). */
export function isListFormat(name: FormatName): boolean {
  return name.endsWith('-list');
}

export function checkFormat(name: FormatName, value: string): string | undefined {
  return FORMATS[name](value);
}
