/**
 * What the caller may do, from `GET /access/permissions` ({path: {priv: 1}}):
 * a privilege holds on a path when the nearest listed ancestor-or-self path
 * grants it (ACL entries propagate down the tree). The API checks again on
 * every call; this only decides which buttons are enabled.
 */
export type PermissionMap = Record<string, Record<string, number>>;

export class Permissions {
  constructor(private readonly map: PermissionMap) {}

  /** The privileges in force on `path`. */
  privs(path: string): Record<string, number> {
    let p = path.replace(/\/+$/, '') || '/';
    for (;;) {
      if (this.map[p]) return this.map[p];
      if (p === '/') return {};
      p = p.slice(0, p.lastIndexOf('/')) || '/';
    }
  }

  can(priv: string, path: string): boolean {
    return Boolean(this.privs(path)[priv]);
  }

  /** Allowed on the path or any listed path below it (e.g. "may create a vnet in some zone"). */
  canSomewhere(priv: string, path: string): boolean {
    if (this.can(priv, path)) return true;
    const prefix = path === '/' ? '/' : path + '/';
    return Object.entries(this.map).some(([p, privs]) => p.startsWith(prefix) && privs[priv]);
  }
}
