import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { HttpRequest as Request } from '../core/http';
import { ApiError } from '../core/api-error';
import { PRIVILEGE_KEY, PUBLIC_KEY, type PrivilegeRequirement } from './privilege.decorator';
import { TokenService } from './token.service';
import { parseAuthorization } from './tokens';

/** Decides whether an authenticated token holds a privilege on an ACL path. */
export abstract class PermissionChecker {
  abstract allowed(tokenId: string, privileges: string[], aclPath: string): Promise<boolean> | boolean;
}

/** Until ACLs exist every token is an administrator (like a root token with privilege separation off). */
@Injectable()
export class AllowAllPermissions extends PermissionChecker {
  allowed(): boolean {
    return true;
  }
}

export interface AuthenticatedRequest extends Request {
  actor?: string;
}

/** Fills `{param}` placeholders of an ACL path from the request (path, query, body). */
export function resolveAclPath(template: string, req: Request): string {
  const sources = [req.params ?? {}, (req.body as Record<string, unknown>) ?? {}, (req.query as Record<string, unknown>) ?? {}];
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    for (const s of sources) if (typeof (s as Record<string, unknown>)[name] === 'string') return String((s as Record<string, unknown>)[name]);
    return `{${name}}`;
  });
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly permissions: PermissionChecker,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    const cred = parseAuthorization(Array.isArray(header) ? header[0] : header);
    const actor = cred && (await this.tokens.verify(cred));
    if (!actor) throw new ApiError(401, 'authentication failure');
    req.actor = actor;
    const need = this.reflector.getAllAndOverride<PrivilegeRequirement | undefined>(PRIVILEGE_KEY, targets);
    if (need && !(await this.permissions.allowed(actor, need.privileges, resolveAclPath(need.path, req)))) {
      throw new ApiError(403, `Permission check failed (${resolveAclPath(need.path, req)}, ${need.privileges.join('|')})`);
    }
    return true;
  }
}

/** The authenticated token id (`USER@REALM!TOKENID`), recorded as the events' actor. */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor ?? 'anonymous';
});
