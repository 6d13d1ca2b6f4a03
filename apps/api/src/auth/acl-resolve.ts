import { isValidAclPath } from '@sdn/access';

/** Where `{…}` placeholders get their values. */
export interface PathSources {
  /** A named value (request parameter, or a field of a listed item). */
  value(name: string): unknown;
  /**
   * A field of the pending object a parameter names: `{vnet.zone}` is the
   * zone of the vnet named by `vnet`; `{subnet.vnet}` / `{subnet.zone}` the
   * vnet of the subnet named by `subnet` and that vnet's zone.
   */
  related(param: string, id: string, field: string): string | undefined;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.@-]*$/;

/** As the handlers read parameters (params.ts): a list of one is its value, numbers count as strings. */
function scalarString(v: unknown): string | undefined {
  const s = Array.isArray(v) && v.length === 1 ? v[0] : v;
  return typeof s === 'string' || typeof s === 'number' ? String(s) : undefined;
}

/**
 * Resolves an ACL path template (see PrivilegeRequirement.path). Returns
 * `{ path, complete }`: when a placeholder cannot be filled with one valid
 * path segment the path is cut before it (`complete: false`).
 */
export function resolveTemplate(template: string, src: PathSources): { path: string; complete: boolean } {
  const whole = /^\{([A-Za-z_-]+)\*\}$/.exec(template);
  if (whole) {
    const v = scalarString(src.value(whole[1]));
    return v !== undefined && isValidAclPath(v) ? { path: v, complete: true } : { path: '/', complete: false };
  }
  const out: string[] = [];
  for (const seg of template.split('/').slice(1)) {
    const m = /^\{([A-Za-z_-]+)(?:\.(zone|vnet))?\??\}$/.exec(seg);
    if (!m) {
      out.push(seg);
      continue;
    }
    let v = scalarString(src.value(m[1]));
    if (v !== undefined && m[2]) v = SEGMENT.test(v) ? src.related(m[1], v, m[2]) : undefined;
    if (v === undefined || !SEGMENT.test(v) || v === '.' || v === '..') return { path: out.length ? '/' + out.join('/') : '/', complete: false };
    out.push(v);
  }
  return { path: '/' + out.join('/'), complete: true };
}

export function isOptionalTemplate(template: string): boolean {
  return /\{[A-Za-z_.-]+\?\}/.test(template);
}

/** `PathSources.related` over the pending SDN objects. */
export function relatedInPending(pending: { vnets: Readonly<Record<string, Record<string, unknown>>>; subnets: Readonly<Record<string, Record<string, unknown>>> }) {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const vnetZone = (vnet: string | undefined) => (vnet === undefined ? undefined : str(pending.vnets[vnet]?.zone));
  return (param: string, id: string, field: string): string | undefined => {
    if (param === 'vnet' && field === 'zone') return vnetZone(id);
    if (param === 'subnet') {
      const vnet = str(pending.subnets[id]?.vnet);
      return field === 'vnet' ? vnet : vnetZone(vnet);
    }
    return undefined;
  };
}
