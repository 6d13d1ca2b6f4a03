/**
 * Parser for ifupdown2 `interfaces` files: `auto`/`allow-*` lines,
 * `iface <name> [inet|inet6] [static|manual|loopback|dhcp]` stanzas with
 * their indented options, and `source`/`source-directory` lines. Option keys
 * are normalised to the hyphen spelling (`bridge_ports` and `bridge-ports`
 * are the same option to ifupdown2).
 */
export interface IfaceStanza {
  name: string;
  family?: string;
  method?: string;
  /** Options in file order; key normalised to hyphens, value verbatim. */
  options: { key: string; value: string }[];
}

export interface InterfacesFile {
  auto: string[];
  stanzas: IfaceStanza[];
  sources: string[];
}

export function normaliseOptionKey(key: string): string {
  return key.replace(/_/g, '-');
}

export function parseInterfaces(textContent: string): InterfacesFile {
  const out: InterfacesFile = { auto: [], stanzas: [], sources: [] };
  let current: IfaceStanza | null = null;
  for (const raw of textContent.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const words = line.split(/\s+/);
    const head = words[0];
    if (head === 'auto' || head.startsWith('allow-')) {
      out.auto.push(...words.slice(1));
      current = null;
    } else if (head === 'iface') {
      current = { name: words[1] ?? '', family: words[2], method: words[3], options: [] };
      out.stanzas.push(current);
    } else if (head === 'source' || head === 'source-directory') {
      out.sources.push(...words.slice(1));
      current = null;
    } else if (current) {
      current.options.push({ key: normaliseOptionKey(head), value: words.slice(1).join(' ') });
    }
  }
  return out;
}

/** Value of the first option `key` (either spelling) in a stanza. */
export function option(stanza: IfaceStanza, key: string): string | undefined {
  const k = normaliseOptionKey(key);
  return stanza.options.find((o) => o.key === k)?.value;
}

/**
 * Interface addresses as the reference sees them: the `address` of each
 * `inet` (or family-less) stanza, without the prefix length. `inet6`
 * stanzas do not count (rendering.md §0).
 */
export function interfaceAddresses(file: InterfacesFile): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of file.stanzas) {
    if (s.family !== undefined && s.family !== 'inet') continue;
    const addr = option(s, 'address');
    if (addr !== undefined && !(s.name in out)) out[s.name] = addr.split('/')[0];
  }
  return out;
}

/** Bridge facts declared in the file (ports, vlan-aware, OVS), by bridge name. */
export function declaredBridges(file: InterfacesFile): Record<string, { ovs: boolean; vlanAware: boolean; ports: string[] }> {
  const out: Record<string, { ovs: boolean; vlanAware: boolean; ports: string[] }> = {};
  for (const s of file.stanzas) {
    const ovsType = option(s, 'ovs-type');
    const ports = option(s, 'bridge-ports');
    if (ovsType === 'OVSBridge') {
      const ovsPorts = (option(s, 'ovs-ports') ?? '').split(/\s+/).filter(Boolean);
      out[s.name] = { ovs: true, vlanAware: false, ports: ovsPorts };
    } else if (ports !== undefined) {
      const list = ports.split(/\s+/).filter((p) => p && p !== 'none');
      out[s.name] = { ovs: false, vlanAware: /^(yes|on|1)$/i.test(option(s, 'bridge-vlan-aware') ?? ''), ports: list };
    }
  }
  return out;
}

/** True when the file sources the SDN file (directly or through its directory). */
export function sourcesSdnFile(file: InterfacesFile): boolean {
  return file.sources.some((s) => s === '/etc/network/interfaces.d/sdn' || s.startsWith('/etc/network/interfaces.d/'));
}
