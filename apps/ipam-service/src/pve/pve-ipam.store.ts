import { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '@sdn/contracts';
import { IpamError, bigIntToIp, canonicalIp, familyOf, inSubnet, ipToBigInt, subnetBounds } from '@sdn/ipam';

export interface PveIpAttrs {
  hostname?: string | null;
  mac?: string | null;
  vmid?: string | null;
  vnet?: string | null;
  isGateway?: boolean;
  /** The caller's allocation request id (`AllocateRequest.requestId`), found again by `byRequest`. */
  requestId?: string | null;
  /** Handed out for a lease a node's DHCP server reported (see DhcpLeases): the only kind a lease release removes. */
  dhcpLease?: boolean;
}
export interface IpRow {
  zone: string;
  subnet: string;
  ip: string;
  vnet: string | null;
  gateway: boolean;
  mac: string | null;
  hostname: string | null;
  vmid: string | null;
}
export interface Range {
  start: string;
  end: string;
}
/** Runs inside the allocating transaction before commit; throwing rolls the allocation back. */
export type BeforeCommit = (ip: string) => Promise<void>;

type Q = Pick<EntityManager, 'query'>;
/**
 * An outbox event to write with a next-free allocation, in the same statement: the address is
 * filled in by the database (`aggregateId` = `<zone>/<ip>`, `payload.ip`).
 */
export type NextFreeEvent = Omit<EventEnvelope, 'aggregateId'>;
const ROW = `zone, subnet, host(ip) AS ip, vnet, gateway, mac, hostname, vmid`;
/** TypeORM returns [rows, count] for UPDATE/DELETE and plain rows otherwise. */
export function rowsOf(r: any): any[] {
  return Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number' ? r[0] : r;
}
const norm = (r: IpRow): IpRow => ({ ...r, ip: canonicalIp(r.ip) });

/**
 * Group next-free: claim as many addresses as there are requests (ipam_take_free), insert them
 * and, for requests with an event, the outbox rows: one statement, so all of it commits or none
 * (the PK of ipam_ip still rejects a duplicate). `ord` pairs the n-th address with the n-th
 * request; the outbox rows are inserted in that order, so events keep the allocation order.
 */
const NEXT_FREE_SQL = `
  WITH t AS MATERIALIZED (SELECT u.ip, (u.n - 1)::int AS ord FROM unnest(ipam_take_free($1, $2, $3, $4::int)) WITH ORDINALITY AS u(ip, n)),
  r AS (SELECT * FROM jsonb_to_recordset($5::jsonb) AS x(ord int, vnet text, mac text, hostname text, vmid text, request_id uuid, id uuid, env jsonb)),
  a AS MATERIALIZED (SELECT r.*, t.ip FROM r JOIN t USING (ord)),
  i AS (INSERT INTO ipam_ip (ipam, zone, subnet, ip, vnet, gateway, mac, hostname, vmid, auto, request_id)
    SELECT $1, $2, $3, ip, vnet, false, mac, hostname, vmid, true, request_id FROM a),
  o AS (INSERT INTO ipam_event_outbox (id, envelope)
    SELECT id, env || jsonb_build_object('aggregateId', $2 || '/' || host(ip), 'payload', (env -> 'payload') || jsonb_build_object('ip', host(ip)))
    FROM a WHERE id IS NOT NULL ORDER BY ord)
  SELECT ord, host(ip) AS ip FROM a`;

/**
 * Built-in `pve` IPAM in PostgreSQL (§6.3). Free space is kept as interval rows
 * (ipam_free_block) so next-free is an index lookup plus one row update, independent of
 * fill level and of the subnet size (IPv6 /64 included).
 */
export class PveIpamStore {
  constructor(private readonly db: DataSource, readonly ipam = 'pve') {}

  /** Statements outside a transaction (autocommit). */
  get queryable(): Q {
    return this.db;
  }

  /** One transaction for the store's calls (pass the manager as their `tx`) and the caller's own writes. */
  transaction<T>(f: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(f);
  }

  private key(zone: string, subnet: string) {
    return [this.ipam, zone, subnet];
  }

  /** Idempotent; `tx`: inside the caller's transaction (the subnet and its gateway become visible together). */
  async addSubnet(zone: string, cidr: string, tx?: Q): Promise<void> {
    const run = async (m: Q) => {
      await m.query(`INSERT INTO ipam_zone (ipam, zone) VALUES ($1,$2) ON CONFLICT DO NOTHING`, [this.ipam, zone]);
      const ins = await m.query(`INSERT INTO ipam_subnet (ipam, zone, subnet) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING RETURNING subnet`, this.key(zone, cidr));
      if (ins.length === 0) return; // idempotent
      const b = subnetBounds(cidr);
      if (b.first > b.last) return;
      await m.query(`INSERT INTO ipam_free_block (ipam, zone, subnet, start, "end") VALUES ($1,$2,$3,$4,$5)`, [
        ...this.key(zone, cidr),
        bigIntToIp(b.first, b.family),
        bigIntToIp(b.last, b.family),
      ]);
    };
    if (tx) await run(tx);
    else await this.db.transaction(run);
  }

  /** Allowed only when empty or when the gateway is the sole entry (§6.3). */
  async delSubnet(zone: string, cidr: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const s = await m.query(`SELECT 1 FROM ipam_subnet WHERE ipam=$1 AND zone=$2 AND subnet=$3 FOR UPDATE`, this.key(zone, cidr));
      if (s.length === 0) throw new IpamError(`subnet '${cidr}' not found in ipam`);
      const ips: { gateway: boolean }[] = await m.query(`SELECT gateway FROM ipam_ip WHERE ipam=$1 AND zone=$2 AND subnet=$3 LIMIT 2`, this.key(zone, cidr));
      if (ips.length > 1 || (ips.length === 1 && !ips[0].gateway)) throw new IpamError(`cannot delete subnet '${cidr}', not empty`);
      await m.query(`DELETE FROM ipam_subnet WHERE ipam=$1 AND zone=$2 AND subnet=$3`, this.key(zone, cidr));
    });
  }

  /** Throws the IPAM's words when the subnet is not registered (the cause of an allocation that found nothing). */
  async requireSubnet(m: Q, zone: string, cidr: string): Promise<void> {
    const s = await m.query(`SELECT 1 FROM ipam_subnet WHERE ipam=$1 AND zone=$2 AND subnet=$3`, this.key(zone, cidr));
    if (s.length === 0) throw new IpamError(`subnet '${cidr}' not found in ipam`);
  }

  /** Removes `ip` from the free interval containing it (lock first, then insert: one lock order). */
  private async carve(m: Q, zone: string, cidr: string, ip: string): Promise<void> {
    const k = this.key(zone, cidr);
    const rows: { start: string; end: string }[] = await m.query(
      `SELECT host(start) AS start, host("end") AS "end" FROM ipam_free_block
        WHERE ipam=$1 AND zone=$2 AND subnet=$3 AND start <= $4::inet AND "end" >= $4::inet FOR UPDATE`,
      [...k, ip],
    );
    if (rows.length === 0) return; // outside the window or already taken (the PK insert decides)
    const { start, end } = rows[0];
    const isStart = canonicalIp(start) === canonicalIp(ip);
    const isEnd = canonicalIp(end) === canonicalIp(ip);
    if (isStart && isEnd) await m.query(`DELETE FROM ipam_free_block WHERE ipam=$1 AND zone=$2 AND subnet=$3 AND start=$4::inet`, [...k, start]);
    else if (isStart) await m.query(`UPDATE ipam_free_block SET start = start + 1 WHERE ipam=$1 AND zone=$2 AND subnet=$3 AND start=$4::inet`, [...k, start]);
    else if (isEnd) await m.query(`UPDATE ipam_free_block SET "end" = "end" - 1 WHERE ipam=$1 AND zone=$2 AND subnet=$3 AND start=$4::inet`, [...k, start]);
    else {
      await m.query(`UPDATE ipam_free_block SET "end" = $4::inet - 1 WHERE ipam=$1 AND zone=$2 AND subnet=$3 AND start=$5::inet`, [...k, ip, start]);
      await m.query(`INSERT INTO ipam_free_block (ipam, zone, subnet, start, "end") VALUES ($1,$2,$3,$4::inet + 1,$5)`, [...k, ip, end]);
    }
  }

  private async insertIp(m: Q, zone: string, cidr: string, ip: string, a: PveIpAttrs, auto: boolean) {
    const r = await m.query(
      `INSERT INTO ipam_ip (ipam, zone, subnet, ip, vnet, gateway, mac, hostname, vmid, auto, request_id, dhcp_lease)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT DO NOTHING RETURNING ip`,
      [...this.key(zone, cidr), ip, a.vnet ?? null, !!a.isGateway, a.isGateway ? null : a.mac ?? null, a.isGateway ? null : a.hostname ?? null, a.isGateway ? null : a.vmid ?? null, auto, a.requestId ?? null, !!a.dhcpLease],
    );
    return r.length === 1;
  }

  /** The addresses registered by the allocation request `requestId` (see `PveIpAttrs.requestId`), lowest first. */
  async byRequest(requestId: string): Promise<{ zone: string; subnet: string; ip: string }[]> {
    const rows: { zone: string; subnet: string; ip: string }[] = await this.db.query(
      `SELECT zone, subnet, host(ip) AS ip FROM ipam_ip WHERE request_id = $1 AND ipam = $2 ORDER BY ip`,
      [requestId, this.ipam],
    );
    return rows.map((r) => ({ ...r, ip: canonicalIp(r.ip) }));
  }

  /** Explicit registration (§6.3 add ip). */
  async addIp(zone: string, cidr: string, ipText: string, a: PveIpAttrs, beforeCommit?: BeforeCommit, tx?: Q): Promise<string> {
    if (!inSubnet(ipText, cidr)) throw new IpamError(`IP '${ipText}' is not in subnet '${cidr}'`, 'ip');
    const ip = canonicalIp(ipText);
    const run = async (m: Q) => {
      await this.requireSubnet(m, zone, cidr);
      await this.carve(m, zone, cidr, ip);
      if (!(await this.insertIp(m, zone, cidr, ip, a, false))) {
        const [cur] = await m.query(`SELECT gateway FROM ipam_ip WHERE ipam=$1 AND zone=$2 AND subnet=$3 AND ip=$4 FOR UPDATE`, [...this.key(zone, cidr), ip]);
        // A gateway may be re-registered over itself; anything else is a duplicate.
        if (!(a.isGateway && cur?.gateway)) throw new IpamError(`IP '${ip}' already exist`, 'ip');
      }
      if (beforeCommit) await beforeCommit(ip);
      return ip;
    };
    return tx ? run(tx) : this.db.transaction(run);
  }

  /** Our extension of §6.3: hostname/mac/vmid changes are recorded (the reference drops them). */
  async updateIp(zone: string, cidr: string, ipText: string, a: PveIpAttrs, event?: EventEnvelope): Promise<void> {
    // The outbox row is written by the same statement, so it exists exactly when the update does.
    const r = await this.db.query(
      `WITH u AS (UPDATE ipam_ip SET mac = COALESCE($5, mac), hostname = COALESCE($6, hostname), vmid = COALESCE($7, vmid), vnet = COALESCE($8, vnet)
         WHERE ipam=$1 AND zone=$2 AND subnet=$3 AND ip=$4 RETURNING ip),
       o AS (INSERT INTO ipam_event_outbox (id, envelope) SELECT $9::uuid, $10::jsonb FROM u WHERE $9::uuid IS NOT NULL)
       SELECT ip FROM u`,
      [...this.key(zone, cidr), canonicalIp(ipText), a.mac ?? null, a.hostname ?? null, a.vmid ?? null, a.vnet ?? null, event?.id ?? null, event ? JSON.stringify(event) : null],
    );
    if (rowsOf(r).length === 0) throw new IpamError(`IP '${ipText}' not found in subnet '${cidr}'`, 'ip');
  }

  /** Release: give the address back to the free intervals, merging with its neighbours. */
  async delIp(zone: string, cidr: string, ipText: string, beforeCommit?: (m: Q, row: IpRow) => Promise<void>, tx?: Q): Promise<IpRow> {
    const ip = canonicalIp(ipText);
    const run = async (m: Q) => {
      const k = this.key(zone, cidr);
      const del: IpRow[] = rowsOf(await m.query(`DELETE FROM ipam_ip WHERE ipam=$1 AND zone=$2 AND subnet=$3 AND ip=$4 RETURNING ${ROW}`, [...k, ip]));
      if (del.length === 0) throw new IpamError(`IP '${ip}' not found in subnet '${cidr}'`, 'ip');
      const b = subnetBounds(cidr);
      const ipb = ipToBigInt(ip);
      if (ipb >= b.first && ipb <= b.last) {
        const nb: { start: string; end: string }[] = await m.query(
          `SELECT host(start) AS start, host("end") AS "end" FROM ipam_free_block
            WHERE ipam=$1 AND zone=$2 AND subnet=$3 AND ("end" = $4::inet - 1 OR start = $4::inet + 1) ORDER BY start FOR UPDATE`,
          [...k, ip],
        );
        let start = ip;
        let end = ip;
        for (const n of nb) {
          await m.query(`DELETE FROM ipam_free_block WHERE ipam=$1 AND zone=$2 AND subnet=$3 AND start=$4::inet`, [...k, n.start]);
          if (ipToBigInt(n.end) < ipb) start = n.start;
          else end = n.end;
        }
        await m.query(`INSERT INTO ipam_free_block (ipam, zone, subnet, start, "end") VALUES ($1,$2,$3,$4,$5)`, [...k, start, end]);
      }
      const row = norm(del[0]);
      if (beforeCommit) await beforeCommit(m, row);
      return row;
    };
    return tx ? run(tx) : this.db.transaction(run);
  }

  /**
   * Whole-subnet next-free (§6.3): the statement of nextFreeIps for one address, without an
   * event. The interval lock is held only inside the statement, which keeps concurrent replicas
   * fast; the PK still guarantees no duplicate.
   */
  async nextFreeIp(zone: string, cidr: string, a: PveIpAttrs, tx?: Q, event?: NextFreeEvent): Promise<string> {
    const [ip] = await this.nextFreeIps(zone, cidr, [{ attrs: a, event }], tx);
    if (ip) return ip;
    throw await this.noFreeIp(tx ?? this.db, zone, cidr);
  }

  /** The error for a next-free that found nothing: unknown subnet, or full. */
  async noFreeIp(m: Q, zone: string, cidr: string): Promise<IpamError> {
    await this.requireSubnet(m, zone, cidr);
    if (familyOf(cidr.split('/')[0]) === 4 && cidr.endsWith('/32')) return new IpamError(`cannot find free IP in subnet '${cidr}'`);
    return new IpamError(`can't find free ip in subnet '${cidr}'`);
  }

  /**
   * Several next-free allocations, each with its outbox event, in one statement: one round trip,
   * one interval lock (ipam_take_free, migration 1764300000003) and one commit (one WAL flush)
   * for all of them, which is what lets concurrent requests share the cost of durability.
   *
   * The result is aligned with `items`; null entries were not served: either the subnet is full
   * (then every entry is null) or, when some entries got an address, the free intervals left were
   * all locked by concurrent allocators at that moment and the caller should retry those. Outside
   * a transaction the statement is prepared once per connection (parse and plan skipped after).
   */
  async nextFreeIps(zone: string, cidr: string, items: { attrs: PveIpAttrs; event?: NextFreeEvent }[], tx?: Q): Promise<(string | null)[]> {
    const rows = items.map((x, ord) => ({ ord, vnet: x.attrs.vnet ?? null, mac: x.attrs.mac ?? null, hostname: x.attrs.hostname ?? null, vmid: x.attrs.vmid ?? null, request_id: x.attrs.requestId ?? null, id: x.event?.id ?? null, env: x.event ?? null }));
    const values = [...this.key(zone, cidr), items.length, JSON.stringify(rows)];
    const r: { ord: number; ip: string }[] = tx ? await tx.query(NEXT_FREE_SQL, values) : (await this.pool().query({ name: 'ipam_next_free_group', text: NEXT_FREE_SQL, values })).rows;
    const out: (string | null)[] = items.map(() => null);
    for (const x of r) out[x.ord] = canonicalIp(x.ip);
    return out;
  }

  /** The driver's own pg pool: the hot statement skips TypeORM's per-query runner and can be a named (prepared) statement. */
  private pool(): { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: any[] }> } {
    return (this.db.driver as unknown as { master: ReturnType<PveIpamStore['pool']> }).master;
  }

  /** Next free inside a DHCP range; null when the range is exhausted (§6.3: swallowed). */
  async rangeNextFreeIp(zone: string, cidr: string, range: Range, a: PveIpAttrs, tx?: Q): Promise<string | null> {
    const run = async (m: Q) => {
      const k = this.key(zone, cidr);
      const rows: { start: string }[] = await m.query(
        `SELECT host(greatest(start, $4::inet)) AS start FROM ipam_free_block
          WHERE ipam=$1 AND zone=$2 AND subnet=$3 AND "end" >= $4::inet AND start <= $5::inet ORDER BY start LIMIT 1 FOR UPDATE`,
        [...k, canonicalIp(range.start), canonicalIp(range.end)],
      );
      if (rows.length === 0) return null;
      const ip = canonicalIp(rows[0].start);
      await this.carve(m, zone, cidr, ip);
      if (!(await this.insertIp(m, zone, cidr, ip, a, true))) throw new IpamError(`IP '${ip}' already exist`, 'ip');
      return ip;
    };
    return tx ? run(tx) : this.db.transaction(run);
  }

  /**
   * vnet-level allocation (§6.7 add_next_free_cidr): one address per subnet, DHCP-range aware,
   * all-or-nothing across families because everything runs in one transaction.
   */
  async allocateForVnet(zone: string, vnet: string, subnets: { cidr: string; dhcpRanges?: Range[] }[], a: PveIpAttrs, useRanges = true): Promise<string[]> {
    return this.db.transaction(async (m) => {
      const out: string[] = [];
      const seen = new Set<4 | 6>();
      for (const s of subnets) {
        const fam = familyOf(s.cidr.split('/')[0]);
        if (seen.has(fam)) continue; // one address per family, first subnet that has room wins
        let ip: string | null = null;
        if (useRanges && s.dhcpRanges?.length) {
          for (const r of s.dhcpRanges) if ((ip = await this.rangeNextFreeIp(zone, s.cidr, r, { ...a, vnet }, m))) break;
        } else {
          ip = await this.nextFreeIp(zone, s.cidr, { ...a, vnet }, m).catch(() => null);
        }
        if (ip) {
          out.push(ip);
          seen.add(fam);
        }
      }
      const wanted = new Set(subnets.map((s) => familyOf(s.cidr.split('/')[0])));
      for (const f of wanted) if (!seen.has(f)) throw new IpamError(`can't find free ip in vnet '${vnet}' for IPv${f}`);
      return out;
    });
  }

  /** §6.7 add_dhcp_mapping: allocate only for the families that have no address for the MAC yet. */
  async ensureDhcpMapping(zone: string, vnet: string, subnets: { cidr: string; dhcpRanges?: Range[] }[], a: PveIpAttrs): Promise<string[]> {
    const have = a.mac ? await this.ipsFromMac(zone, a.mac).catch(() => ({}) as { ip4?: string; ip6?: string }) : {};
    const missing = subnets.filter((s) => !(familyOf(s.cidr.split('/')[0]) === 4 ? have.ip4 : have.ip6));
    return missing.length ? this.allocateForVnet(zone, vnet, missing, a) : [];
  }

  /** Registered subnets of a zone containing `ip` (the API's ip endpoints do not name the subnet). */
  async subnetsOf(zone: string): Promise<string[]> {
    const r = await this.db.query(`SELECT subnet FROM ipam_subnet WHERE ipam=$1 AND zone=$2 ORDER BY subnet`, [this.ipam, zone]);
    return r.map((x: { subnet: string }) => x.subnet);
  }

  async gatewayOf(zone: string, cidr: string): Promise<string | undefined> {
    return (await this.gatewaysOf(zone, cidr))[0];
  }

  /** Every gateway entry of the subnet: normally one, two when a move was interrupted between its steps. */
  async gatewaysOf(zone: string, cidr: string, tx?: Q): Promise<string[]> {
    const r = await (tx ?? this.db).query(`SELECT host(ip) AS ip FROM ipam_ip WHERE ipam=$1 AND zone=$2 AND subnet=$3 AND gateway ORDER BY ip`, this.key(zone, cidr));
    return r.map((x: { ip: string }) => canonicalIp(x.ip));
  }

  /**
   * Serialises gateway changes of one subnet (a subnet event redelivered to another replica while
   * the first still handles it). NO KEY UPDATE: allocations in the subnet only take KEY SHARE on
   * the row (foreign key of ipam_ip), so they are neither blocked nor a deadlock partner.
   */
  async lockSubnet(m: Q, zone: string, cidr: string): Promise<void> {
    await m.query(`SELECT 1 FROM ipam_subnet WHERE ipam=$1 AND zone=$2 AND subnet=$3 FOR NO KEY UPDATE`, this.key(zone, cidr));
  }

  async ipsFromMac(zone: string, mac: string): Promise<{ ip4?: string; ip6?: string }> {
    const z = await this.db.query(`SELECT 1 FROM ipam_zone WHERE ipam=$1 AND zone=$2`, [this.ipam, zone]);
    if (z.length === 0) throw new IpamError(`zone '${zone}' not found in ipam`);
    const rows: IpRow[] = await this.db.query(`SELECT ${ROW} FROM ipam_ip WHERE ipam=$1 AND zone=$2 AND mac=$3 ORDER BY ip`, [this.ipam, zone, mac]);
    const out: { ip4?: string; ip6?: string } = {};
    for (const r of rows) out[familyOf(r.ip) === 4 ? 'ip4' : 'ip6'] ??= canonicalIp(r.ip);
    return out;
  }

  async list(filter: { zone?: string; mac?: string } = {}): Promise<IpRow[]> {
    const rows: IpRow[] = await this.db.query(
      `SELECT ${ROW} FROM ipam_ip WHERE ipam=$1 AND ($2::text IS NULL OR zone=$2) AND ($3::text IS NULL OR mac=$3) ORDER BY zone, subnet, ip`,
      [this.ipam, filter.zone ?? null, filter.mac ?? null],
    );
    return rows.map(norm);
  }

  /** The reference's pve-ipam-state.json shape (§6.3), for conformance comparisons and export. */
  async dump(): Promise<{ zones: Record<string, { subnets: Record<string, { ips: Record<string, Record<string, unknown>> }> }> }> {
    const zones: Record<string, { subnets: Record<string, { ips: Record<string, Record<string, unknown>> }> }> = {};
    for (const z of await this.db.query(`SELECT zone FROM ipam_zone WHERE ipam=$1`, [this.ipam])) zones[z.zone] = { subnets: {} };
    for (const s of await this.db.query(`SELECT zone, subnet FROM ipam_subnet WHERE ipam=$1`, [this.ipam])) zones[s.zone].subnets[s.subnet] = { ips: {} };
    const rows = await this.db.query(`SELECT ${ROW}, auto FROM ipam_ip WHERE ipam=$1`, [this.ipam]);
    for (const r of rows) {
      let e: Record<string, unknown>;
      if (r.gateway) e = { gateway: 1 };
      else if (r.auto) e = { mac: r.mac, hostname: r.hostname, vmid: r.vmid };
      else {
        e = {};
        for (const f of ['mac', 'hostname', 'vmid']) if (r[f]) e[f] = r[f];
      }
      zones[r.zone].subnets[r.subnet].ips[canonicalIp(r.ip)] = e;
    }
    return { zones };
  }
}
