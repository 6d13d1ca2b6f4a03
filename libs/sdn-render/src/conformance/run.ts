import { renderNode, unsupportedFeatures } from '../render';
import { factsFromMocks, findCases, loadCase, type ConformanceCase } from './case';

export type CaseOutcome =
  | { name: string; status: 'passed' }
  | { name: string; status: 'skipped'; reason: string }
  | { name: string; status: 'failed'; reason: string };

export function runCase(c: ConformanceCase): CaseOutcome {
  const missing = unsupportedFeatures(c.config);
  if (missing.length) return { name: c.name, status: 'skipped', reason: `uses ${missing.join(', ')}, not built yet` };
  let out: { interfaces: string; frr?: string };
  try {
    out = renderNode(c.config, factsFromMocks(c));
  } catch (e) {
    return { name: c.name, status: 'failed', reason: `render threw: ${(e as Error).message}` };
  }
  const problems: string[] = [];
  if (out.interfaces !== c.expectedInterfaces) problems.push(firstDifference('sdn_interfaces', c.expectedInterfaces, out.interfaces));
  if (c.expectedFrr !== undefined && out.frr !== c.expectedFrr) problems.push(firstDifference('frr.conf', c.expectedFrr, out.frr ?? ''));
  return problems.length ? { name: c.name, status: 'failed', reason: problems.join('; ') } : { name: c.name, status: 'passed' };
}

export function runConformance(root: string): CaseOutcome[] {
  return findCases(root).map((f) => runCase(loadCase(f)));
}

/** A short human description of where two texts first differ. */
export function firstDifference(file: string, expected: string, actual: string): string {
  const e = expected.split('\n');
  const a = actual.split('\n');
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] !== a[i]) return `${file} line ${i + 1}: expected ${JSON.stringify(e[i] ?? '<end of file>')}, got ${JSON.stringify(a[i] ?? '<end of file>')}`;
  }
  return `${file} differs`;
}

export function summaryLine(outcomes: CaseOutcome[]): string {
  const n = (s: CaseOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const skipped = n('skipped');
  return `${n('passed')} passed, ${n('failed')} failed` + (skipped ? `, ${skipped} skipped` : '');
}
