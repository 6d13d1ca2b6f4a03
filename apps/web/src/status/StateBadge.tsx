import { Badge, Tooltip } from '@mantine/core';
import type { ShownState } from './tree';

const COLORS: Record<string, string> = { available: 'green', applied: 'green', pending: 'yellow', error: 'red', offline: 'gray' };

/** A status with its message on hover (and in the accessible name). */
export function StateBadge({ state, message }: { state: ShownState | 'applied'; message?: string }) {
  const badge = (
    <Badge color={COLORS[state] ?? 'gray'} variant={state === 'available' || state === 'applied' ? 'light' : 'filled'} data-state={state} tabIndex={message ? 0 : undefined} aria-label={message ? `${state}: ${message}` : state}>
      {state}
    </Badge>
  );
  return message ? (
    <Tooltip label={message} withArrow multiline maw={480}>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}
