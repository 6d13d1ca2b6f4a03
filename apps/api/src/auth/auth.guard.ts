import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AccessDeniedV1, hasPrivilege, type Privilege, ROOT_USER } from '@sdn/access';
import { appendAccessDenied } from '@sdn/event-store';
import { authFailures } from '@sdn/metrics';
import { loggableUrl } from '@sdn/service-kit';
import type { HttpRequest as Request, HttpResponse } from '../core/http';
import { ApiError } from '../core/api-error';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { EventStoreService } from '../core/database';
import { SdnStateService } from '../core/sdn-state.service';
import { AccessStateService } from '../access/access-state.service';
import { isOptionalTemplate, type PathSources, relatedInPending, resolveTemplate } from './acl-resolve';
import { PRIVILEGE_KEY, PUBLIC_KEY, type PrivilegeRequirement } from './privilege.decorator';
import { AuthRateLimiter } from './rate-limit';
import { TicketService, ticketCookie } from './tickets';
import { TokenService } from './token.service';
import { parseAuthorization } from './tokens';

/** Decides whether an authenticated token holds a privilege on an ACL path. */
export abstract class PermissionChecker {
  /** True when the token holds any one of `privileges` on `aclPath`. */
  abstract allowed(tokenId: string, privileges: string[], aclPath: string): Promise<boolean> | boolean;
}

/** The reference's model (libs/access): roles on ACL paths, propagation, privilege-separated tokens. */
@Injectable()
export class AclPermissionChecker extends PermissionChecker {
  constructor(private readonly access: AccessStateService) {
    super();
  }

  allowed(tokenId: string, privileges: string[], aclPath: string): boolean {
    const state = this.access.state;
    const p = this.access.principal(tokenId);
    return privileges.some((priv) => hasPrivilege(state, p, aclPath, priv as Privilege));
  }
}

export interface AuthenticatedRequest extends Request {
  actor?: string;
}

type RawRequest = AuthenticatedRequest & { correlationId?: string; ip?: string; method?: string; originalUrl?: string; url?: string; socket?: { remoteAddress?: string } };

/** The request's parameters by name (path, then body, then query: the handlers' precedence). */
export function requestSources(req: Request, sdn: SdnStateService): PathSources {
  const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
  const sources = [req.params ?? {}, body, (req.query as Record<string, unknown>) ?? {}];
  return {
    value: (name) => {
      for (const s of sources) if (Object.prototype.hasOwnProperty.call(s, name) && s[name] !== undefined && s[name] !== '') return s[name];
      return undefined;
    },
    related: (param, id, field) => relatedInPending(sdn.current.pending)(param, id, field),
  };
}

/** Status text for refusals: the same for every object, so nothing tells whether it exists. */
const DENIED = 'Permission check failed';

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly log = new Logger('auth');
  readonly limiter: AuthRateLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly tickets: TicketService,
    private readonly permissions: PermissionChecker,
    private readonly access: AccessStateService,
    private readonly sdn: SdnStateService,
    private readonly store: EventStoreService,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.limiter = new AuthRateLimiter(config.authRateLimit);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<RawRequest>();
    const source = req.ip ?? req.socket?.remoteAddress ?? 'unknown';
    const header = req.headers.authorization;
    const cred = parseAuthorization(Array.isArray(header) ? header[0] : header);
    // Without a token, the login ticket in the PVEAuthCookie cookie (as the reference's web UI and clients send it).
    const ticket = cred ? undefined : ticketCookie(req.headers.cookie);
    const keys = [`ip:${source}`, ...(cred ? [`token:${cred.id}`] : [])];

    const wait = this.limiter.blockedFor(keys);
    if (wait > 0) {
      // Not appended to the log: while blocked, an unauthenticated client must not be able to grow it.
      this.log.warn(`throttled ${req.method} ${loggableUrl(req.originalUrl ?? req.url ?? '')} from ${source}${cred ? ` (token ${cred.id})` : ''}`);
      authFailures().inc({ status: '429', reason: 'throttled' });
      ctx.switchToHttp().getResponse<HttpResponse>().header('Retry-After', String(Math.ceil(wait / 1000)));
      throw new ApiError(429, 'too many authentication failures, retry later');
    }

    await this.access.ready();
    const actor = cred ? await this.tokens.verify(cred) : ticket !== undefined ? (this.tickets.verify(ticket)?.userid ?? null) : null;
    let problem = !cred && ticket === undefined ? 'no-credentials' : !actor ? 'bad-credentials' : this.access.problem(actor);
    if (problem && actor) {
      // Valid credentials of a user or token this replica has not folded yet (created on another
      // replica since the last poll): read the access events once before refusing.
      await this.access.catchUp();
      problem = this.access.problem(actor);
    }
    if (problem) {
      this.limiter.fail(keys);
      await this.deny(req, source, { status: 401, reason: problem, principal: cred?.id });
      // The reference's wording for a bad ticket: clients (proxmox-api) log in again when they read it.
      throw new ApiError(401, ticket !== undefined ? 'permission denied - invalid PVE ticket' : 'authentication failure');
    }
    req.actor = actor!;
    // A cookie travels with every request a browser makes: writes must prove they come from our client.
    if (ticket !== undefined && req.method !== 'GET' && req.method !== 'HEAD') {
      const csrf = req.headers.csrfpreventiontoken;
      if (!this.tickets.verifyCsrf(actor!, Array.isArray(csrf) ? csrf[0] : csrf)) {
        await this.deny(req, source, { status: 403, reason: 'csrf', principal: actor! });
        throw new ApiError(403, 'Permission denied - invalid CSRF prevention token');
      }
    }

    const need = this.reflector.getAllAndOverride<PrivilegeRequirement | undefined>(PRIVILEGE_KEY, targets);
    // Unannotated handlers are refused (the superuser aside, who holds every privilege
    // anyway): forgetting @Privilege must not open an endpoint. The access matrix test lists them.
    if (!need) {
      if (this.access.principal(actor!).userid === ROOT_USER) return true;
      await this.deny(req, source, { status: 403, reason: 'no-requirement', principal: actor! });
      throw new ApiError(403, DENIED);
    }
    // Filtered lists are open to every user; the interceptor cuts the answer.
    if (need.filter || !need.privileges.length) return true;
    const src = requestSources(req, this.sdn);
    if (need.rootOnly && src.value(need.rootOnly) === ROOT_USER && this.access.principal(actor!).userid !== ROOT_USER) {
      await this.deny(req, source, { status: 403, reason: 'root-only', principal: actor! });
      throw new ApiError(403, DENIED);
    }
    if (need.self && this.access.actsAsUser(actor!, src.value(need.self))) return true;
    const checks = [need.path, ...(need.also ?? [])].map((path) => ({ privileges: need.privileges, path }));
    for (const { privileges, path: template } of [...checks, ...(need.and ?? [])]) {
      const r = resolveTemplate(template, src);
      if (!r.complete && isOptionalTemplate(template)) continue;
      if (!(await this.permissions.allowed(actor!, privileges, r.path))) {
        await this.deny(req, source, { status: 403, reason: 'privilege', principal: actor!, required: { privileges, path: r.path } });
        throw new ApiError(403, DENIED);
      }
    }
    return true;
  }

  /** Logs a refusal and appends it to the audit trail (GET /cluster/sdn/events); secret-named query values are not kept. */
  private async deny(req: RawRequest, source: string, d: Pick<AccessDeniedV1, 'status' | 'reason' | 'principal' | 'required'>): Promise<void> {
    const payload: AccessDeniedV1 = { ...d, method: String(req.method ?? ''), url: loggableUrl(String(req.originalUrl ?? req.url ?? '')).slice(0, 512), source };
    if (d.principal === undefined) delete payload.principal;
    if (d.required === undefined) delete payload.required;
    this.log.warn(`denied ${payload.status} ${payload.method} ${payload.url} from ${source}: ${d.reason}${d.principal ? ` (${d.principal})` : ''}${d.required ? ` needs ${d.required.privileges.join('|')} on ${d.required.path}` : ''}`);
    authFailures().inc({ status: String(d.status), reason: d.reason });
    // A 401's claimed id is not who acted: the actor is only ever an authenticated token.
    await appendAccessDenied(this.store, payload, d.status === 403 && d.principal ? d.principal : 'anonymous', req.correlationId || undefined).catch((e) =>
      this.log.error(`could not record the refusal: ${(e as Error).message}`),
    );
  }
}

/** The authenticated token id (`USER@REALM!TOKENID`) or, for a ticket login, the user id: recorded as the events' actor. */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor ?? 'anonymous';
});
