import { Badge, Tooltip } from '@mantine/core';
import { pendingChanges, type PendingObject } from './pending';

const COLORS = { new: 'green', changed: 'yellow', deleted: 'red' } as const;

/** new / changed / deleted, with what changes on hover (and for screen readers in the label). */
export function PendingBadge({ o }: { o: PendingObject }) {
  if (!o.state) return null;
  const lines = pendingChanges(o);
  return (
    <Tooltip label={lines.map((l) => <div key={l}>{l}</div>)} withArrow multiline maw={420}>
      <Badge color={COLORS[o.state]} variant="light" tabIndex={0} aria-label={`${o.state}: ${lines.join('; ')}`} data-pending={o.state}>
        {o.state}
      </Badge>
    </Tooltip>
  );
}
