import { applyDecorators, type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { mergeMap, type Observable } from 'rxjs';
import { AccessStateService } from '../access/access-state.service';
import { SdnStateService } from '../core/sdn-state.service';
import { relatedInPending, resolveTemplate } from './acl-resolve';
import { type AuthenticatedRequest, PermissionChecker } from './auth.guard';
import { PRIVILEGE_KEY, type PrivilegeOptions, type PrivilegeRequirement, requirement, type SdnPrivilege } from './privilege.decorator';

/**
 * Cuts the answer of a filtered list endpoint (`@FilteredList(…)`)
 * down to the items the caller may see: each item's ACL path is resolved
 * from its own fields (a pending-only object from its pending values), and
 * an item whose path cannot be resolved is shown only to holders of the
 * parent's rights. One place for every list, so a new list endpoint is
 * filtered by declaring its path, not by remembering to call a helper.
 * Scoped to those endpoints (see FilteredList): on any other route an
 * interceptor would only cost time.
 */
@Injectable()
export class ListFilterInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly permissions: PermissionChecker,
    private readonly access: AccessStateService,
    private readonly sdn: SdnStateService,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const need = this.reflector.getAllAndOverride<PrivilegeRequirement | undefined>(PRIVILEGE_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!need?.filter) return next.handle();
    const actor = ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor;
    return next.handle().pipe(
      // Runs inside EnvelopeInterceptor: it sees the handler's list before the `{data}` wrapping.
      mergeMap(async (out: unknown) => {
        if (!Array.isArray(out)) return out;
        return actor ? this.visible(actor, need, out) : [];
      }),
    );
  }

  async visible(actor: string, need: PrivilegeRequirement, items: unknown[]): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const item of items) {
      const o = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>;
      const pending = (o.pending && typeof o.pending === 'object' ? o.pending : {}) as Record<string, unknown>;
      if (need.self && this.access.actsAsUser(actor, o[need.self])) {
        out.push(item);
        continue;
      }
      const { path } = resolveTemplate(need.path, {
        value: (name) => o[name] ?? pending[name],
        related: relatedInPending(this.sdn.current.pending),
      });
      if (await this.permissions.allowed(actor, need.privileges, path)) out.push(item);
    }
    return out;
  }
}

/**
 * A list endpoint open to any authenticated caller whose answer is cut down
 * to the items the caller may see (`path` resolved per item, see
 * PrivilegeOptions.filter): the requirement and the filter in one declaration.
 */
export const FilteredList = (privilege: SdnPrivilege | SdnPrivilege[], path: string, opts: Omit<PrivilegeOptions, 'filter'> = {}) =>
  applyDecorators(requirement(privilege, path, { ...opts, filter: true }), UseInterceptors(ListFilterInterceptor));
