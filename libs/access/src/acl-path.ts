/**
 * ACL paths are absolute, slash-separated, and only use characters that are
 * valid in object ids; anything else (`..`, empty segments, control
 * characters) is rejected rather than normalised, so two spellings can never
 * name the same object.
 */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.@-]*$/;

export function isValidAclPath(path: string): boolean {
  if (path === '/') return true;
  if (typeof path !== 'string' || !path.startsWith('/') || path.endsWith('/')) return false;
  return path
    .slice(1)
    .split('/')
    .every((s) => SEGMENT.test(s) && s !== '..' && s !== '.');
}

/** `/sdn/zones/z1` → [`/`, `/sdn`, `/sdn/zones`, `/sdn/zones/z1`]. */
export function pathPrefixes(path: string): string[] {
  if (path === '/') return ['/'];
  const parts = path.split('/').slice(1);
  const out = ['/'];
  for (let i = 1; i <= parts.length; i++) out.push('/' + parts.slice(0, i).join('/'));
  return out;
}

export const sdnPaths = {
  root: '/sdn',
  zone: (zone: string) => `/sdn/zones/${zone}`,
  vnet: (zone: string, vnet: string) => `/sdn/zones/${zone}/${vnet}`,
  controller: (id: string) => `/sdn/controllers/${id}`,
  ipam: (id: string) => `/sdn/ipams/${id}`,
  dns: (id: string) => `/sdn/dns/${id}`,
};
