/**
 * ifupdown2 runs every `post-up` again on each `ifreload -a`, also for
 * unchanged interfaces, so the SNAT and CT rules of simple zones pile up
 * (one more copy per reload; recipe simple.sh). Rewriting the SDN file is
 * not an option (it must stay byte-compatible with PVE's), and deleting the
 * rules before a reload would leave a window without SNAT. Instead the agent
 * checks after each reload: every rule a `post-up iptables …` line adds must
 * be present exactly as many times as post-up lines add it; extra copies are
 * deleted with `-D` (which removes one identical rule; identical rules are
 * interchangeable). Rules other tools own are never touched: only rules equal
 * to one of our post-up lines are counted.
 */
export interface PostUpRule {
  /** `iptables` or `ip6tables`. */
  tool: string;
  table: string;
  chain: string;
  /** The match and target, as `iptables -S` prints them (canonical form). */
  spec: string[];
}

/** Splits a shell-ish command line; handles the single and double quotes PVE's post-up lines use. */
export function shellWords(line: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** The rule a `post-up` command adds, or null when it adds none (not an -A/-I iptables command). */
export function parsePostUp(command: string): PostUpRule | null {
  const w = shellWords(command);
  if (w.length === 0 || !/^(iptables|ip6tables)(-nft|-legacy)?$/.test(w[0])) return null;
  let table = 'filter';
  let chain: string | null = null;
  const spec: string[] = [];
  for (let i = 1; i < w.length; i++) {
    const a = w[i];
    if (a === '-t' || a === '--table') table = w[++i];
    else if (a === '-A' || a === '--append') chain = w[++i];
    else if (a === '-I' || a === '--insert') {
      chain = w[++i];
      if (/^\d+$/.test(w[i + 1] ?? '')) i++; // optional rule number
    } else if (a === '-w' || a === '--wait') {
      if (/^\d+$/.test(w[i + 1] ?? '')) i++;
    } else spec.push(canonicalAddress(w[i - 1], a, w[0].startsWith('ip6') ? 128 : 32));
  }
  return chain ? { tool: w[0], table, chain, spec } : null;
}

/** `iptables -S` prints host addresses with their prefix length (`-s 1.2.3.4` → `1.2.3.4/32`). */
function canonicalAddress(prev: string | undefined, arg: string, hostLen: number): string {
  if ((prev === '-s' || prev === '-d' || prev === '--source' || prev === '--destination') && !arg.includes('/')) return `${arg}/${hostLen}`;
  return arg;
}

/** Every rule the post-up lines of an interfaces file add, with how many times. */
export function wantedRules(postUps: string[]): Map<string, { rule: PostUpRule; count: number }> {
  const out = new Map<string, { rule: PostUpRule; count: number }>();
  for (const cmd of postUps) {
    const rule = parsePostUp(cmd);
    if (!rule) continue;
    const key = ruleKey(rule.tool, rule.table, rule.chain, rule.spec);
    const e = out.get(key);
    if (e) e.count++;
    else out.set(key, { rule, count: 1 });
  }
  return out;
}

export function ruleKey(tool: string, table: string, chain: string, spec: string[]): string {
  return `${tool.replace(/-(nft|legacy)$/, '')}|${table}|${chain}|${spec.join(' ')}`;
}

/** Counts rules in `iptables -t <table> -S <chain>` output by canonical spec. */
export function countListed(listing: string, chain: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of listing.split('\n')) {
    const w = shellWords(line.trim());
    if (w[0] !== '-A' || w[1] !== chain) continue;
    const spec = w.slice(2).join(' ');
    out.set(spec, (out.get(spec) ?? 0) + 1);
  }
  return out;
}

type Runner = (argv: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

/** Deletes surplus copies of our post-up rules; returns how many copies it removed. */
export async function dedupPostUpRules(postUps: string[], runCmd: Runner): Promise<number> {
  let removed = 0;
  const listings = new Map<string, Map<string, number>>();
  for (const { rule, count } of wantedRules(postUps).values()) {
    const lkey = `${rule.tool}|${rule.table}|${rule.chain}`;
    let listed = listings.get(lkey);
    if (!listed) {
      const r = await runCmd([rule.tool, '-w', '-t', rule.table, '-S', rule.chain]);
      if (r.code !== 0) continue; // chain missing or no iptables: nothing piled up
      listed = countListed(r.stdout, rule.chain);
      listings.set(lkey, listed);
    }
    const have = listed.get(rule.spec.join(' ')) ?? 0;
    for (let i = count; i < have; i++) {
      const r = await runCmd([rule.tool, '-w', '-t', rule.table, '-D', rule.chain, ...rule.spec]);
      if (r.code === 0) removed++;
    }
  }
  return removed;
}
