import type { RunningConfig } from '@sdn/model';
import type { NodeFacts } from '../facts/node-facts';

export function renderFrr(_config: RunningConfig, _facts: NodeFacts): string | undefined {
  throw new Error('FRR renderer not implemented yet');
}
