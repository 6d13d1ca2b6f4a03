import { SetMetadata } from '@nestjs/common';
import type { Privilege as AccessPrivilege } from '@sdn/access';

export const PRIVILEGE_KEY = 'sdn:privilege';
export const PUBLIC_KEY = 'sdn:public';

export type SdnPrivilege = AccessPrivilege;

export interface PrivilegeOptions {
  /**
   * A list endpoint open to any authenticated caller whose answer is cut down
   * to the items the caller may see: `path` is resolved per item from the
   * item's own fields (e.g. `/sdn/zones/{zone}`). Set by FilteredList, which
   * also installs the ListFilterInterceptor that does the cutting.
   */
  filter?: boolean;
  /**
   * Further paths that must grant the privilege too (e.g. the target zone of
   * a vnet move). `{name?}` marks an optional parameter: when the request
   * does not carry it, that path is not checked.
   */
  also?: string[];
  /**
   * Further requirements with privileges of their own (the reference's
   * `['and', …]` checks, e.g. `Sys.Modify` on `/nodes/{node_id}` besides
   * `SDN.Allocate` on the fabric). Optional parameters as in `also`.
   */
  and?: { privileges: SdnPrivilege[]; path: string }[];
  /**
   * Callers acting as the user named by this parameter (or, with `filter`,
   * by this field of each item) pass without the privilege: users read and
   * manage their own account and tokens. Privilege-separated tokens do not
   * count as their user here.
   */
  self?: string;
  /**
   * When this parameter names the superuser (`root@pam`), only the superuser
   * passes: anyone else able to manage root's account or tokens could become it.
   */
  rootOnly?: string;
}

export interface PrivilegeRequirement extends PrivilegeOptions {
  /** Any one of these privileges suffices (the reference's `SDN.Audit` or `SDN.Allocate` reads). */
  privileges: SdnPrivilege[];
  /**
   * ACL path template. `{name}` is the request parameter `name` (one path
   * segment); `{vnet.zone}` the pending zone of the vnet named by parameter
   * `vnet`; `{name*}` a whole ACL path. A parameter that is missing or not a
   * valid segment cuts the path before it, so the check falls back to the
   * parent (stricter for everyone but holders of the parent's rights, and
   * never revealing whether the object exists).
   */
  path: string;
}

/**
 * Records what the reference requires for an endpoint, e.g.
 * `@Privilege('SDN.Allocate', '/sdn/zones/{zone}')`. The guard resolves the
 * path from the request and asks the PermissionChecker. Every handler must
 * carry one (or `@Public()`): the access test matrix enumerates them.
 */
export const Privilege = (privilege: SdnPrivilege | SdnPrivilege[], path: string, opts: Omit<PrivilegeOptions, 'filter'> = {}) => requirement(privilege, path, opts);

/** The metadata itself; `filter` only through FilteredList, which installs the filter with it. */
export const requirement = (privilege: SdnPrivilege | SdnPrivilege[], path: string, opts: PrivilegeOptions) =>
  SetMetadata(PRIVILEGE_KEY, { privileges: Array.isArray(privilege) ? privilege : [privilege], path, ...opts } satisfies PrivilegeRequirement);

/** Any authenticated caller (the reference's "any user" endpoints that show nothing tenant-specific). */
export const AnyUser = () => SetMetadata(PRIVILEGE_KEY, { privileges: [], path: '/' } satisfies PrivilegeRequirement);

/** No authentication (health check). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
