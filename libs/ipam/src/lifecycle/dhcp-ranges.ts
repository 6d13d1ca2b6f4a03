/**
 * `dhcp-range` of a subnet object as stored: `{start-address,end-address}` objects or the
 * reference's `start-address=…,end-address=…` strings. The API (next-free requests) and
 * ipam-service (subnet events) read the same stored objects.
 */
export function dhcpRanges(o: Record<string, unknown> | undefined): { start: string; end: string }[] | undefined {
  const list = o?.['dhcp-range'];
  if (!Array.isArray(list)) return undefined;
  return list.map((r) => {
    const kv = typeof r === 'string' ? Object.fromEntries(r.split(',').map((p) => p.split('=') as [string, string])) : (r as Record<string, string>);
    return { start: kv['start-address'], end: kv['end-address'] };
  });
}
