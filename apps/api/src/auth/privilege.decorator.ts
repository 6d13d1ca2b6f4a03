import { SetMetadata } from '@nestjs/common';

export const PRIVILEGE_KEY = 'sdn:privilege';
export const PUBLIC_KEY = 'sdn:public';

export type SdnPrivilege = 'SDN.Audit' | 'SDN.Allocate' | 'SDN.Use' | 'Sys.Audit';

export interface PrivilegeRequirement {
  /** Any one of these privileges suffices (the reference's `SDN.Audit` or `SDN.Allocate` reads). */
  privileges: SdnPrivilege[];
  /** ACL path template; `{name}` is replaced by the request parameter `name`. */
  path: string;
}

/**
 * Records what the reference requires for an endpoint, e.g.
 * `@Privilege('SDN.Allocate', '/sdn/zones/{zone}')`. The guard resolves the
 * path from the request and asks the PermissionChecker; today every valid
 * token is an administrator, per-zone ACLs plug in there later.
 */
export const Privilege = (privilege: SdnPrivilege | SdnPrivilege[], path: string) =>
  SetMetadata(PRIVILEGE_KEY, { privileges: Array.isArray(privilege) ? privilege : [privilege], path } satisfies PrivilegeRequirement);

/** No authentication (health check). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
