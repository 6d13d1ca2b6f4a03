/** The reference's SDN privileges (spec §0.6). */
export const SDN_PRIVILEGES = ['SDN.Audit', 'SDN.Allocate', 'SDN.Use'] as const;
// Sys.Modify on /nodes/<node>: changing a node's part of a fabric (spec Appendix A).
export type Privilege = (typeof SDN_PRIVILEGES)[number] | 'Sys.Audit' | 'Sys.Modify' | 'Permissions.Modify' | 'User.Modify' | 'Group.Allocate';
export const ALL_PRIVILEGES: readonly Privilege[] = [...SDN_PRIVILEGES, 'Sys.Audit', 'Sys.Modify', 'Permissions.Modify', 'User.Modify', 'Group.Allocate'];

export interface Role {
  roleid: string;
  privs: Privilege[];
  /** Built-in roles cannot be changed or deleted. */
  special?: boolean;
}

/** Built-in roles, named and composed as in the reference so existing ACL scripts keep working. */
export const BUILTIN_ROLES: Record<string, Role> = {
  Administrator: { roleid: 'Administrator', privs: [...ALL_PRIVILEGES], special: true },
  NoAccess: { roleid: 'NoAccess', privs: [], special: true },
  PVESDNAdmin: { roleid: 'PVESDNAdmin', privs: ['SDN.Allocate', 'SDN.Audit', 'SDN.Use'], special: true },
  PVESDNUser: { roleid: 'PVESDNUser', privs: ['SDN.Audit', 'SDN.Use'], special: true },
  PVEAuditor: { roleid: 'PVEAuditor', privs: ['SDN.Audit', 'Sys.Audit'], special: true },
};
