import { bigIntToIp, ipToBigInt, subnetBounds } from '../pve/address-math';
import { Handler, Reply } from './fake-http';

interface Subnet { id: number; subnet: string; mask: string; sectionId: number }
interface Address { id: number; ip: string; subnetId: number; hostname: string | null; description: string | null; mac?: string; is_gateway?: number }

/** Behaves like phpIPAM's REST API (app `apiadmin`): ids assigned, 404s, first_free running out, token auth. */
export class FakePhpIpam {
  subnets: Subnet[] = [];
  addresses: Address[] = [];
  private nextId = { s: 1, a: 1 };
  /** When set, POST /addresses/ fails with this status (to test compensation). */
  failAddAddress?: number;
  constructor(readonly token: string, readonly base = '/api/apiadmin') {}

  seedSubnet(cidr: string, sectionId = 1) {
    const [subnet, mask] = cidr.split('/');
    const s = { id: this.nextId.s++, subnet, mask, sectionId };
    this.subnets.push(s);
    return s;
  }

  handler: Handler = (method, path, _q, headers, body): Reply => {
    const err = (status: number, message: string): Reply => ({ status, body: { code: status, success: false, message } });
    const ok = (status: number, data?: unknown, extra: object = {}): Reply => ({ status, body: { code: status, success: true, data, ...extra } });
    if (headers['token'] !== this.token) return err(401, 'Invalid token');
    if (!path.startsWith(this.base)) return err(404, 'Invalid application');
    const p = path.slice(this.base.length).split('/').filter(Boolean);
    let m: Address | Subnet | undefined;
    if (p[0] === 'subnets') {
      if (method === 'GET' && p[1] === 'cidr') {
        const found = this.subnets.filter((s) => s.subnet === p[2] && s.mask === p[3]);
        return found.length ? ok(200, found) : err(404, 'No subnets found');
      }
      if (method === 'POST' && p.length === 1) {
        if (!body?.subnet || body.mask === undefined || !body.sectionId) return err(400, 'Missing parameters');
        if (this.subnets.some((s) => s.subnet === body.subnet && s.mask === String(body.mask))) return err(409, 'Subnet overlaps with existing subnet');
        const s = this.seedSubnet(`${body.subnet}/${body.mask}`, body.sectionId);
        return ok(201, undefined, { id: s.id, message: 'Subnet created' });
      }
      if (method === 'GET' && p[2] === 'addresses' && p.length === 3) {
        const id = Number(p[1]);
        if (!this.subnets.some((s) => s.id === id)) return err(404, 'Subnet does not exist');
        const found = this.addresses.filter((a) => a.subnetId === id);
        return found.length ? ok(200, found) : err(404, 'No addresses found');
      }
      if (method === 'DELETE' && p.length === 2) {
        const id = Number(p[1]);
        if (!this.subnets.some((s) => s.id === id)) return err(404, 'Subnet does not exist');
        this.subnets = this.subnets.filter((s) => s.id !== id);
        this.addresses = this.addresses.filter((a) => a.subnetId !== id);
        return ok(200, undefined, { message: 'Subnet deleted' });
      }
    }
    if (p[0] === 'addresses') {
      if (method === 'GET' && p[1] === 'search') {
        const found = this.addresses.filter((a) => a.ip === p[2]);
        return found.length ? ok(200, found) : err(404, 'Address not found');
      }
      if (method === 'GET' && p[1] === 'search_mac') {
        const found = this.addresses.filter((a) => a.mac === p[2]);
        return found.length ? ok(200, found) : err(404, 'Address not found');
      }
      if (method === 'POST' && p.length === 1) {
        if (this.failAddAddress) return err(this.failAddAddress, 'Backend refused the address');
        const s = this.subnets.find((x) => x.id === body?.subnetId);
        if (!s) return err(400, 'Invalid subnet identifier');
        if (this.addresses.some((a) => a.ip === body.ip && a.subnetId === s.id)) return err(409, 'IP address already exists');
        const a: Address = { id: this.nextId.a++, ip: body.ip, subnetId: s.id, hostname: body.hostname, description: body.description, mac: body.mac, is_gateway: body.is_gateway };
        this.addresses.push(a);
        return ok(201, undefined, { id: a.id, message: 'Address created' });
      }
      if (method === 'POST' && p[1] === 'first_free') {
        const s = this.subnets.find((x) => x.id === Number(p[2]));
        if (!s) return err(404, 'Invalid subnet identifier');
        const b = subnetBounds(`${s.subnet}/${s.mask}`);
        const used = new Set(this.addresses.filter((a) => a.subnetId === s.id).map((a) => ipToBigInt(a.ip)));
        for (let n = b.network + 1n; n < b.broadcast; n++) {
          if (used.has(n)) continue;
          const ip = bigIntToIp(n, b.family);
          const a: Address = { id: this.nextId.a++, ip, subnetId: s.id, hostname: body?.hostname ?? null, description: body?.description ?? null, mac: body?.mac };
          this.addresses.push(a);
          return ok(201, ip, { id: a.id, message: 'Address created' });
        }
        return err(404, 'No free addresses found');
      }
      if ((method === 'PATCH' || method === 'DELETE') && p.length === 2) {
        const id = Number(p[1]);
        m = this.addresses.find((a) => a.id === id);
        if (!m) return err(404, 'Address does not exist');
        if (method === 'DELETE') this.addresses = this.addresses.filter((a) => a.id !== id);
        else Object.assign(m, body);
        return ok(200, undefined, { message: method === 'DELETE' ? 'Address deleted' : 'Address updated' });
      }
    }
    if (p[0] === 'sections' && method === 'GET') return ok(200, { id: Number(p[1]) });
    return err(404, 'Invalid request');
  };
}
