import { Controller, Get, Logger, Post, Put, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ALL_PRIVILEGES, type AccessState, type Principal, principalProblem, privileges, ROOT_USER, setPassword, USERID_RE } from '@sdn/access';
import { appendAccessDenied, decoyPasswordHash, hashPassword, readPasswordHash, verifyPassword } from '@sdn/event-store';
import { Actor } from '../auth/auth.guard';
import { LoginLimiter } from '../auth/login-limiter';
import { Privilege, Public } from '../auth/privilege.decorator';
import { TicketService } from '../auth/tickets';
import { ApiError } from '../core/api-error';
import { EventStoreService } from '../core/database';
import type { HttpRequest, HttpResponse } from '../core/http';
import { CorrelationId, optString, type Params, ReqParams } from '../core/params';
import { asApiError } from './access.controller';
import { AccessStateService } from './access-state.service';

/** The reference's capability groups and the ACL subtree each one summarises. */
const CAP_PATHS: Record<string, string> = { dc: '/', sdn: '/sdn', access: '/access', nodes: '/nodes', vms: '/vms', storage: '/storage', mapping: '/mapping' };

/** What the user holds on a subtree's root or anywhere below it (the reference's `cap` in the ticket answer). */
export function capabilities(state: AccessState, p: Principal): Record<string, Record<string, 1>> {
  const out: Record<string, Record<string, 1>> = {};
  for (const [cap, root] of Object.entries(CAP_PATHS)) {
    const paths = new Set([root, ...state.acl.map((e) => e.path).filter((x) => root === '/' || x === root || x.startsWith(`${root}/`))]);
    const held: Record<string, 1> = {};
    for (const path of paths) for (const priv of privileges(state, p, path)) held[priv] = 1;
    out[cap] = held;
  }
  // The superuser holds everything everywhere.
  if (p.userid === ROOT_USER) for (const cap of Object.keys(out)) for (const priv of ALL_PRIVILEGES) out[cap][priv] = 1;
  return out;
}

type RawRequest = HttpRequest & { ip?: string; method?: string; url?: string };

/** Parameters of POST /access/ticket that clients send besides the credentials; accepted and not used. */
const LOGIN_PASSTHROUGH = ['otp', 'path', 'privs', 'new-format', 'tfa-challenge'];

/**
 * Password login the Proxmox way: `POST /access/ticket` answers a ticket
 * (cookie `PVEAuthCookie`), the CSRF prevention token that must accompany
 * cookie-authenticated writes, the user name and capabilities; a ticket
 * posted as the password renews it. `PUT /access/password` sets a password.
 */
@ApiTags('access')
@Controller('access')
export class TicketController {
  private readonly log = new Logger('auth');

  constructor(
    private readonly access: AccessStateService,
    private readonly tickets: TicketService,
    private readonly limiter: LoginLimiter,
    private readonly store: EventStoreService,
  ) {}

  @Get('ticket')
  @ApiOperation({ summary: 'Dummy: the reference answers null here (its login page GETs it)' })
  @Public()
  ticketIndex() {
    return null;
  }

  @Post('ticket')
  @ApiOperation({ summary: 'Log in: username, password (or a valid ticket, to renew it), optional realm; answers ticket, CSRFPreventionToken, username, cap' })
  @Public()
  async login(@ReqParams() p: Params, @Req() req: RawRequest, @Res({ passthrough: true }) res: HttpResponse) {
    const extra = Object.keys(p).filter((k) => !['username', 'password', 'realm', ...LOGIN_PASSTHROUGH].includes(k));
    if (extra.length) throw ApiError.params(Object.fromEntries(extra.slice(0, 10).map((k) => [k.slice(0, 64), 'property is not defined in schema and the schema does not allow additional properties'])));
    let username = optString(p, 'username', 64);
    const password = optString(p, 'password', 4096);
    const realm = optString(p, 'realm', 32);
    for (const k of LOGIN_PASSTHROUGH) optString(p, k, 4096);
    if (!username) throw ApiError.param('username', 'property is missing and it is not optional');
    if (!password) throw ApiError.param('password', 'property is missing and it is not optional');
    // No user name has control characters; refused before it is counted, logged or keyed in PostgreSQL (a NUL failed the query: 500).
    if (/[\u0000-\u001f\u007f]/.test(username)) throw ApiError.param('username', 'value does not look like a valid user name');
    if (realm !== undefined && !/^[A-Za-z][A-Za-z0-9.\-_]*$/.test(realm)) throw ApiError.param('realm', 'value does not look like a valid realm');
    if (realm && !username.includes('@')) username = `${username}@${realm}`;

    const source = req.ip ?? 'unknown';
    const userKey = `user:${username.toLowerCase()}`;
    const keys = [`ip:${source}`, userKey];
    const wait = await this.limiter.charge(keys);
    if (wait > 0) {
      this.log.warn(`login throttled for ${username.slice(0, 64)} from ${source}`);
      res.header('Retry-After', String(Math.ceil(wait / 1000)));
      throw new ApiError(429, 'too many authentication failures, retry later');
    }
    const userid = await this.authenticate(username, password);
    if (!userid) {
      await this.refuse(req, source, username);
      throw new ApiError(401, 'authentication failure');
    }
    await this.limiter.succeeded(userKey, [`ip:${source}`]);
    const t = this.tickets.issue(userid);
    return { ticket: t.ticket, CSRFPreventionToken: t.csrf, username: userid, cap: capabilities(this.access.state, { kind: 'user', userid }) };
  }

  /** The user id when `password` is the user's password or a valid ticket of the user, else null (same time either way). */
  private async authenticate(username: string, password: string): Promise<string | null> {
    // Every login reads the users other replicas created or changed since the last poll (one small
    // query, for known and unknown names alike, so the answer time says nothing about who exists).
    await this.access.catchUp();
    const known = USERID_RE.test(username) && !principalProblem(this.access.state, { kind: 'user', userid: username }, Math.floor(Date.now() / 1000));
    if (password.startsWith('PVE:')) {
      const t = this.tickets.verify(password);
      return known && t && t.userid === username ? username : null;
    }
    const hash = known ? await readPasswordHash(this.store.ds, username) : undefined;
    const ok = await verifyPassword(hash ?? (await decoyPasswordHash()), password);
    return ok && hash ? username : null;
  }

  private async refuse(req: RawRequest, source: string, username: string): Promise<void> {
    this.log.warn(`login failed for ${username.slice(0, 64)} from ${source}`);
    await appendAccessDenied(this.store, { status: 401, reason: 'bad-credentials', principal: username.slice(0, 128), method: String(req.method ?? 'POST'), url: '/api2/json/access/ticket', source }, 'anonymous').catch((e) =>
      this.log.error(`could not record the refusal: ${(e as Error).message}`),
    );
  }

  @Put('password')
  @ApiOperation({ summary: "Set a user's password (userid, password); users change their own, User.Modify on /access for others" })
  @Privilege('User.Modify', '/access', { self: 'userid', rootOnly: 'userid' })
  async changePassword(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    const extra = Object.keys(p).filter((k) => !['userid', 'password', 'confirmation-password'].includes(k));
    if (extra.length) throw ApiError.params(Object.fromEntries(extra.slice(0, 10).map((k) => [k.slice(0, 64), 'property is not defined in schema and the schema does not allow additional properties'])));
    const userid = optString(p, 'userid', 128);
    const password = optString(p, 'password', 4096);
    if (!userid) throw ApiError.param('userid', 'property is missing and it is not optional');
    if (password === undefined) throw ApiError.param('password', 'property is missing and it is not optional');
    try {
      // Checked before hashing: a refused password costs no scrypt.
      setPassword(this.access.state, userid, password);
    } catch (e) {
      asApiError(e);
    }
    const hash = await hashPassword(password);
    await this.access.write(actor, (s) => {
      try {
        return { events: setPassword(s, userid, password), result: null, credentials: [{ op: 'password', userid, hash }] };
      } catch (e) {
        asApiError(e);
      }
    }, correlationId);
    return null;
  }
}

