import { byteOrder } from '@sdn/model';
import { DEFAULT_VRF, type Action, type BgpRouter, type FamilyKey, type FrrTree } from './tree';

/**
 * `frr.conf.local` merge and route-map numbering (rendering.md §2.7).
 *
 * The merge is a line scanner with a "current section": ordinary lines land
 * in whatever list the last recognised header selected, or are dropped while
 * the section is the initial discard section. Local route-map blocks are
 * held back and numbered after the generated entries of the same map.
 */

/** A held-back local route-map line: headers are renumbered, bodies stay verbatim. */
type PendingLine = { header: Action } | { line: string };

/**
 * Runs on every render, snippet or not: generated route-map entries get their
 * sequence numbers (1, 2, …) here, local ones continue after them.
 */
export function mergeLocalConfig(tree: FrrTree, local: string | null | undefined): void {
  const pending: Record<string, PendingLine[]> = {};
  if (local) scan(tree, local, pending);

  const names = new Set([...Object.keys(tree.routeMaps), ...Object.keys(pending)]);
  for (const name of [...names].sort(byteOrder)) {
    const generated = tree.routeMaps[name] ?? [];
    generated.forEach((e, i) => (e.seq = i + 1));
    let next = generated.length;
    for (const p of pending[name] ?? []) {
      tree.custom.push('header' in p ? `route-map ${name} ${p.header} ${++next}` : p.line);
    }
  }
}

/** Where ordinary lines go; `null` is the discard section. */
type Section = string[] | null;

function scan(tree: FrrTree, local: string, pending: Record<string, PendingLine[]>): void {
  let section: Section = null;
  let newBlock = false;
  let newAfBlock = false;
  let router: BgpRouter | undefined;
  // Route-map lines are tagged so their headers can be renumbered later.
  let routeMap: PendingLine[] | undefined;

  const push = (line: string) => {
    if (routeMap) routeMap.push({ line });
    else section?.push(line);
  };
  const enter = (s: Section) => {
    section = s;
    routeMap = undefined;
  };
  const openCustom = (header: string) => {
    tree.custom.push(header);
    enter(tree.custom);
    newBlock = true;
  };

  for (const raw of local.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (line === '') continue;
    let m: RegExpMatchArray | null;

    if ((m = line.match(/^router isis (\S+)/))) {
      const isis = tree.isisRouters[m[1]];
      if (isis) enter(isis.custom);
      else openCustom(`router isis ${m[1]}`);
    } else if ((m = line.match(/^router bgp (\S+)(?: vrf (\S+))?/))) {
      const [asn, vrf = DEFAULT_VRF] = [m[1], m[2]];
      const existing = tree.routers[vrf];
      if (existing && existing.asn === asn) {
        router = existing;
        enter(existing.custom);
      } else {
        router = undefined;
        openCustom(vrf === DEFAULT_VRF ? `router bgp ${asn}` : `router bgp ${asn} vrf ${vrf}`);
      }
    } else if ((m = line.match(/^router (.+)$/))) {
      openCustom(`router ${m[1]}`);
    } else if ((m = line.match(/^vrf (\S+)/))) {
      const vrf = tree.vrfs[m[1]];
      if (vrf) enter(vrf.custom);
      else openCustom(`vrf ${m[1]}`);
    } else if ((m = line.match(/^interface (\S+)/))) {
      // Only IS-IS interfaces are merge targets; fabric interfaces do not exist yet at this point.
      const iface = tree.isisInterfaces[m[1]];
      if (iface) enter(iface.custom);
      else openCustom(`interface ${m[1]}`);
    } else if (/^bgp community-list /.test(line)) {
      tree.custom.push(line);
    } else if ((m = line.match(/address-family (.+)$/))) {
      const family = m[1];
      if (router) {
        const fam = router.families[family.replace(/ /g, '_') as FamilyKey];
        if (fam) enter(fam.custom);
        else {
          router.custom.push(` address-family ${family}`);
          enter(router.custom);
          newAfBlock = true;
        }
      } else {
        tree.custom.push(` address-family ${family}`);
        enter(tree.custom);
        newAfBlock = true;
      }
    } else if ((m = line.match(/^route-map (\S+) (permit|deny) (\d+)/))) {
      const list = (pending[m[1]] ??= []);
      list.push({ header: m[2] as Action });
      section = null;
      routeMap = list;
      newBlock = true;
    } else if (/^(access-list|ip prefix-list|ipv6 prefix-list) \S+ seq \d+ \S/.test(line)) {
      tree.custom.push(line);
    } else if (/exit-address-family$/.test(line)) {
      if (newAfBlock) {
        push(line);
        enter(tree.custom);
      } else {
        enter(router ? router.custom : null);
      }
      newAfBlock = false;
    } else if (/^exit/.test(line)) {
      if (newBlock) {
        push(line);
        push('!');
      }
      enter(null);
      router = undefined;
      newBlock = false;
    } else if (line.includes('!')) {
      continue;
    } else {
      push(line);
    }
  }
}
