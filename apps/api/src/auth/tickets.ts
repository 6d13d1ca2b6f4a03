import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EventStoreService } from '../core/database';

/** Tickets live two hours, as in the reference; a ticket up to that age may be posted as the password to renew it. */
export const TICKET_LIFETIME_S = 2 * 3600;
/** Clock difference tolerated between replicas (a ticket "from the future" by more is refused). */
const CLOCK_SKEW_S = 300;

export interface TicketInfo {
  userid: string;
  /** Unix seconds at issue. */
  time: number;
}

const hex = (t: number) => t.toString(16).toUpperCase().padStart(8, '0');

/**
 * Signs and checks the reference's login tickets, `PVE:<userid>:<hex time>::<signature>`,
 * and the CSRF prevention tokens that go with them, `<hex time>:<signature>`.
 *
 * Signed with HMAC-SHA256 under a key generated once and kept in PostgreSQL
 * (`auth_keys`), so every API replica verifies every other's tickets without
 * shared memory and without configuration. (Not derived from SDN_SECRET_KEY:
 * that key is optional and seals IPAM/DNS secrets; login must work without it,
 * and rotating one must not log everybody out or reseal the other.)
 */
@Injectable()
export class TicketService implements OnModuleInit {
  private key: Buffer | null = null;

  constructor(private readonly store: EventStoreService) {}

  async onModuleInit(): Promise<void> {
    await this.ready();
  }

  /** Loads the key, creating it on the very first start (the first replica's insert wins). */
  async ready(): Promise<Buffer> {
    if (this.key) return this.key;
    await this.store.ds.query(`INSERT INTO auth_keys (name, key) VALUES ('ticket', $1) ON CONFLICT (name) DO NOTHING`, [randomBytes(32)]);
    const rows: { key: Buffer }[] = await this.store.ds.query(`SELECT key FROM auth_keys WHERE name = 'ticket'`);
    this.key = rows[0].key;
    return this.key;
  }

  private sign(purpose: string, text: string): string {
    if (!this.key) throw new Error('ticket key not loaded');
    return createHmac('sha256', this.key).update(`${purpose}\0${text}`).digest('base64');
  }

  issue(userid: string, now = Date.now()): { ticket: string; csrf: string; time: number } {
    const time = Math.floor(now / 1000);
    const plain = `PVE:${userid}:${hex(time)}`;
    return { ticket: `${plain}::${this.sign('ticket', plain)}`, csrf: this.csrfFor(userid, time), time };
  }

  /** The ticket's user and issue time when it is authentic and not expired, else null. */
  verify(ticket: string, now = Date.now()): TicketInfo | null {
    const m = /^(PVE:([^:\s]{1,200}):([0-9A-F]{8}))::([A-Za-z0-9+/]{43}=)$/.exec(ticket);
    if (!m) return null;
    if (!equal(this.sign('ticket', m[1]), m[4])) return null;
    const time = parseInt(m[3], 16);
    const age = Math.floor(now / 1000) - time;
    if (age < -CLOCK_SKEW_S || age > TICKET_LIFETIME_S) return null;
    return { userid: m[2], time };
  }

  csrfFor(userid: string, time: number): string {
    return `${hex(time)}:${this.sign('csrf', `${hex(time)}:${userid}`)}`;
  }

  /** True when `token` is the CSRF prevention token of `userid`, issued within the ticket lifetime. */
  verifyCsrf(userid: string, token: string | undefined, now = Date.now()): boolean {
    const m = token ? /^([0-9A-F]{8}):([A-Za-z0-9+/]{43}=)$/.exec(token) : null;
    if (!m) return false;
    const age = Math.floor(now / 1000) - parseInt(m[1], 16);
    return age >= -CLOCK_SKEW_S && age <= TICKET_LIFETIME_S && equal(this.sign('csrf', `${m[1]}:${userid}`), m[2]);
  }
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The `PVEAuthCookie` value of a Cookie header (URL-decoded: some clients encode the ticket, some do not). */
export function ticketCookie(header: string | string[] | undefined): string | undefined {
  const h = Array.isArray(header) ? header.join('; ') : header;
  if (!h) return undefined;
  for (const part of h.split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === 'PVEAuthCookie') {
      const v = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(v);
      } catch {
        return v;
      }
    }
  }
  return undefined;
}
