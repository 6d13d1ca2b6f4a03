/**
 * Generators of hostile request values for the fuzz test. Every value of a
 * kind is invalid for that kind (so a request carrying one as its "anchor"
 * must be refused, whatever else it contains); values that the reference
 * would accept (`yes` for a boolean, a one-element list of a valid id…) are
 * deliberately absent.
 */
import { GROUPID_RE } from '@sdn/access';
import { checkFabricId, seededRandom } from '@sdn/model';

export type Rng = () => number;

/** Seeded, so a failing fuzz case can be replayed. */
export const rng = (seed: number): Rng => seededRandom(seed);

export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

function deep(depth: number, kind: 'array' | 'object'): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

/**
 * Strings that are no valid identifier of any kind here (zone, vnet, user, token…).
 * Names that merely look odd but are valid ids somewhere (`constructor`, `CON`,
 * `NaN`, nine letters) are left out: a request carrying one may rightly succeed.
 */
const HOSTILE_STRINGS = [
  '../../etc/passwd',
  '..',
  '.',
  '../x',
  'a/b',
  'a\\b',
  '%2e%2e%2f',
  'zone\u0000x',
  '\u0000',
  ' ',
  'a b',
  'tab\there',
  'line\nbreak',
  'crlf\r\nX-Injected: 1',
  'ä',
  'zöne',
  'ゾーン',
  '😀',
  '\u202etxt.exe',
  'zero\u200bwidth',
  '\ufeffbom',
  '\ud800',
  "'; DROP TABLE events; --",
  '" OR 1=1 --',
  '$(reboot)',
  '`id`',
  '{{7*7}}',
  '${jndi:ldap://x/a}',
  '<script>alert(1)</script>',
  '%s%n%x',
  '-rf',
  '-1',
  '0x10',
  '1e3',
  '__proto__',
  'a,b',
  'a;b',
  '*',
  '?',
  '#frag',
  'y'.repeat(65),
  'z'.repeat(300),
  'w'.repeat(5000),
];

const HOSTILE_NON_STRINGS: unknown[] = [123, -1, 1.5, true, false, {}, { a: 1 }, [], ['ab', 'cd'], ['../x'], [['x']], { __proto__: { polluted: 1 } }, deep(50, 'array'), deep(50, 'object')];

/** Not-a-string or a hostile string; for ids placed in a JSON body. */
export function hostileId(r: Rng): unknown {
  const x = r();
  if (x < 0.7) return pick(r, HOSTILE_STRINGS);
  if (x < 0.97) return pick(r, HOSTILE_NON_STRINGS);
  // Rare and expensive: huge or deeply nested values.
  return pick(r, ['q'.repeat(100_000), deep(500, 'array'), deep(500, 'object')]);
}

/** A hostile string for a URL path segment (kept under the HTTP server's header-size limit). */
export function hostilePathId(r: Rng): string {
  return pick(r, HOSTILE_STRINGS);
}

export function hostileBool(r: Rng): unknown {
  return pick(r, ['2', '-1', 'truee', 'nope', 'ä', 'maybe', 2, -1, 1.5, {}, [0, 1], 'x'.repeat(3000), '1 1', '０']);
}

export function hostileInt(r: Rng): unknown {
  return pick(r, ['abc', '1.5', '1e3', '0x10', '١٢٣', '９', {}, [1, 2], true, '9'.repeat(400), 1.5, 'NaN', 'Infinity', '--1', '1-1']);
}

export function hostileIp(r: Rng): unknown {
  return pick(r, ['999.1.1.1', '10.9.0', '::g', 'localhost', '10.9.0.77; rm -rf /', '10.9.0.77/24/1', {}, ['10.9.0.77', '10.9.0.78'], true, 'ä', '0x0a.0.0.1x']);
}

export function hostileCidr(r: Rng): unknown {
  return pick(r, ['10.9.1.0/33', '10.9.1.0', '300.0.0.0/24', 'abc/24', '10.9.1.0/-1', '10.9.1.0/24/24', {}, ['10.9.1.0/24', '10.9.2.0/24'], 'fd00::/129', '../24']);
}

export function hostileEnum(r: Rng): unknown {
  return pick(r, ['nope', 'simple\u0000', 'ëvpn', {}, ['simple', 'vlan'], 42, 'x'.repeat(1000), '../simple']);
}

export function hostileAclPath(r: Rng): unknown {
  return pick(r, ['/sdn/../x', 'sdn', '/sdn/', '//', '/sdn//zones', '/ä', '/sdn/zo ne', '/sdn\u0000', {}, ['/sdn', '/access'], '/' + 'a'.repeat(2000), '/sdn/zones/.', 42]);
}

export function hostileRoles(r: Rng): unknown {
  return pick(r, ['NoSuchRole', 'PVEAuditor,NoSuchRole', {}, [{}], '../Administrator', 'Administrator\u0000']);
}

/** A group id that is no valid group id (the shared hostile strings include some that are: `0x10`, `1e3`). */
/**
 * Hostile values for an id whose format accepts some of the common ones ('0x10'
 * is a fabric ID, '-1' a group ID): those left out, also in the text a query
 * string or a form gives a non-string (1.5 arrives as the group ID '1.5').
 */
function hostileIdOf(valid: (s: string) => boolean): { body: (r: Rng) => unknown; path: (r: Rng) => string } {
  const strings = HOSTILE_STRINGS.filter((s) => !valid(s));
  const others = HOSTILE_NON_STRINGS.filter((v) => !valid(String(v)));
  return { body: (r) => (r() < 0.8 ? pick(r, strings) : pick(r, others)), path: (r) => pick(r, strings) };
}

const GROUP_ID = hostileIdOf((s) => GROUPID_RE.test(s));
const FABRIC_ID = hostileIdOf((s) => checkFabricId(s) === undefined);

export const hostileGroupId = GROUP_ID.body;
export const hostileFabricId = FABRIC_ID.body;
export const hostileFabricPathId = FABRIC_ID.path;

/** A group list naming something that is no existing group. */
export function hostileGroups(r: Rng): unknown {
  return pick(r, ['nosuchgroup', 'fg,nosuchgroup', '../fg', 'fg\u0000', '__proto__', 'constructor', {}, [{}], ['fg', 'constructor']]);
}

/** Keys the endpoints do not know, some of them trying prototype pollution. */
export function hostileKey(r: Rng): string {
  return pick(r, ['__proto__', 'constructor', 'prototype', 'x'.repeat(500), 'ä', 'a.b', 'a[b]', '$where', 'k\u0000']);
}

/** A JSON array nested `depth` levels (built as text: the client's own JSON.stringify would overflow its stack). */
export function deepJsonValue(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** Never a valid password: too short, too long, control characters, not a string. */
export function hostilePassword(r: Rng): unknown {
  return pick(r, ['', 'abc', 'x'.repeat(65), 'x'.repeat(5000), 'pass\u0000word', 'line\nbreak', 'tab\there', {}, [], ['a', 'b'], 12, true, deep(50, 'array')]);
}

/** A login that must fail: unknown or malformed users, wrong or malformed passwords and tickets. */
export function hostileLoginPassword(r: Rng): unknown {
  return pick(r, ['wrong-password', 'PVE:root@pam:00000000::' + 'A'.repeat(43) + '=', 'PVE:', 'PVE:root@pam:FFFFFFFF::x', '\u0000', {}, [], ['a', 'b'], 'q'.repeat(5000), deep(50, 'object')]);
}
