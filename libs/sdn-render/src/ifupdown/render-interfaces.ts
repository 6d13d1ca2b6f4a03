import type { RunningConfig } from '@sdn/model';
import type { NodeFacts } from '../facts/node-facts';

export function renderInterfaces(_config: RunningConfig, _facts: NodeFacts): string {
  throw new Error('ifupdown2 renderer not implemented yet');
}
