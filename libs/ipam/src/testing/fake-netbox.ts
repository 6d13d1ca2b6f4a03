import { bigIntToIp, ipToBigInt, subnetBounds } from '../pve/address-math';
import { Handler, Reply } from './fake-http';

interface Prefix { id: number; prefix: string }
interface Range { id: number; start_address: string; end_address: string }
interface Address { id: number; address: string; description: string | null; dns_name?: string; family: { value: 4 | 6 } }

/** Behaves like NetBox's REST API under /api: ids, 404s, 409 when available-ips run out, token auth. */
export class FakeNetbox {
  prefixes: Prefix[] = [];
  ranges: Range[] = [];
  addresses: Address[] = [];
  private ids = { p: 1, r: 1, a: 1 };
  failRangeCreate = false;
  constructor(readonly token: string, readonly base = '/api') {}

  seedPrefix(prefix: string) {
    const p = { id: this.ids.p++, prefix };
    this.prefixes.push(p);
    return p;
  }
  seedAddress(address: string, description: string | null = null) {
    const a: Address = { id: this.ids.a++, address, description, family: { value: address.includes(':') ? 6 : 4 } };
    this.addresses.push(a);
    return a;
  }

  private addFree(lo: bigint, hi: bigint, family: 4 | 6, len: string, body: any): Reply {
    const used = new Set(this.addresses.map((a) => ipToBigInt(a.address.split('/')[0])));
    for (let n = lo; n <= hi; n++) {
      if (used.has(n)) continue;
      const a = this.seedAddress(`${bigIntToIp(n, family)}/${len}`, body?.description ?? null);
      if (body?.dns_name) a.dns_name = body.dns_name;
      return { status: 201, body: a };
    }
    return { status: 409, body: { detail: 'Insufficient space is available to accommodate the requested number of IP address(es)' } };
  }

  handler: Handler = (method, path, q, headers, body): Reply => {
    const err = (status: number, detail: string): Reply => ({ status, body: { detail } });
    const list = <T>(rows: T[]): Reply => ({ status: 200, body: { count: rows.length, next: null, previous: null, results: rows } });
    if (headers['authorization'] !== `token ${this.token}`) return err(403, 'Invalid token');
    if (!path.startsWith(this.base)) return err(404, 'Not found.');
    const p = path.slice(this.base.length).split('/').filter(Boolean);
    if (p[0] !== 'ipam') return err(404, 'Not found.');
    const id = p[2] !== undefined ? Number(p[2]) : undefined;
    if (p[1] === 'prefixes') {
      if (method === 'GET' && id === undefined) {
        return list(this.prefixes.filter((x) => (q.has('prefix') ? x.prefix === q.get('prefix') : x.prefix.startsWith(q.get('q') ?? ''))));
      }
      if (method === 'POST' && id === undefined) {
        if (!body?.prefix) return err(400, 'prefix: This field is required.');
        return { status: 201, body: this.seedPrefix(body.prefix) };
      }
      const pre = this.prefixes.find((x) => x.id === id);
      if (!pre) return err(404, 'No Prefix matches the given query.');
      if (method === 'DELETE') {
        this.prefixes = this.prefixes.filter((x) => x !== pre);
        return { status: 204 };
      }
      if (method === 'POST' && p[3] === 'available-ips') {
        const b = subnetBounds(pre.prefix);
        const lo = b.family === 4 ? b.network + 1n : b.network;
        return this.addFree(lo, b.family === 4 ? b.broadcast - 1n : b.broadcast, b.family, pre.prefix.split('/')[1], body);
      }
    }
    if (p[1] === 'ip-ranges') {
      if (method === 'GET' && id === undefined) {
        return list(this.ranges.filter((r) => r.start_address.split('/')[0] === q.get('start_address') && r.end_address.split('/')[0] === q.get('end_address')));
      }
      if (method === 'POST' && id === undefined) {
        if (this.failRangeCreate) return err(400, 'Defined addresses overlap with range');
        const r = { id: this.ids.r++, start_address: body.start_address, end_address: body.end_address };
        this.ranges.push(r);
        return { status: 201, body: r };
      }
      const r = this.ranges.find((x) => x.id === id);
      if (!r) return err(404, 'No IP Range matches the given query.');
      if (method === 'DELETE') {
        this.ranges = this.ranges.filter((x) => x !== r);
        return { status: 204 };
      }
      if (method === 'POST' && p[3] === 'available-ips') {
        const s = r.start_address.split('/')[0];
        const fam = s.includes(':') ? 6 : 4;
        return this.addFree(ipToBigInt(s), ipToBigInt(r.end_address.split('/')[0]), fam, fam === 4 ? '32' : '128', body);
      }
    }
    if (p[1] === 'ip-addresses') {
      if (method === 'GET' && id === undefined) {
        const addr = q.get('address');
        const parent = q.get('parent');
        const desc = q.get('description__ic');
        return list(
          this.addresses.filter((a) => {
            const ip = a.address.split('/')[0];
            if (addr !== null) return ip === addr.split('/')[0];
            if (desc !== null) return (a.description ?? '').toLowerCase().includes(desc.toLowerCase());
            if (parent !== null) {
              const pb = subnetBounds(parent);
              const n = ipToBigInt(ip);
              return n >= pb.network && n <= pb.broadcast;
            }
            return ip.startsWith(q.get('q') ?? '');
          }),
        );
      }
      if (method === 'POST' && id === undefined) {
        if (this.addresses.some((a) => a.address.split('/')[0] === String(body?.address).split('/')[0]))
          return err(400, `Duplicate IP address found in global table: ${body.address}`);
        const a = this.seedAddress(body.address, body.description ?? null);
        if (body.dns_name) a.dns_name = body.dns_name;
        return { status: 201, body: a };
      }
      const a = this.addresses.find((x) => x.id === id);
      if (!a) return err(404, 'No IP Address matches the given query.');
      if (method === 'DELETE') {
        this.addresses = this.addresses.filter((x) => x !== a);
        return { status: 204 };
      }
      if (method === 'PATCH') {
        Object.assign(a, body);
        return { status: 200, body: a };
      }
    }
    return err(404, 'Not found.');
  };
}
