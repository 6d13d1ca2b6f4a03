import { Alert, Group, Progress, Table, Text } from '@mantine/core';
import { StateBadge } from './StateBadge';

export interface ApplyTaskView {
  task: string;
  version: number;
  started: string;
  done: boolean;
  nodes: { node: string; state: 'pending' | 'applied' | 'error'; version: number; message?: string; ms: number; offline: boolean }[];
  slowest: { node: string; state: string; ms: number } | null;
}

/** True once every node applied or failed: nothing more will change for this task. */
export function finished(t: ApplyTaskView): boolean {
  return t.done || (t.nodes.length > 0 && t.nodes.every((n) => n.state !== 'pending'));
}

/** Per-node progress of an apply (`GET /cluster/sdn/apply/{task}`). */
export function ApplyProgress({ task }: { task: ApplyTaskView }) {
  const applied = task.nodes.filter((n) => n.state === 'applied').length;
  const failed = task.nodes.filter((n) => n.state === 'error').length;
  const total = task.nodes.length || 1;
  return (
    <div role="region" aria-label="Apply progress" data-testid="apply-progress">
      <Group justify="space-between" mb={4}>
        <Text size="sm" fw={600}>
          Apply of version {task.version}: {applied} of {task.nodes.length} nodes applied{failed ? `, ${failed} failed` : ''}
          {finished(task) ? ' — finished' : ' — in progress'}
        </Text>
        <Text size="xs" c="dimmed">
          {task.task}
        </Text>
      </Group>
      <Progress.Root size="lg" mb="xs" aria-label="nodes applied">
        <Progress.Section value={(applied / total) * 100} color="green" />
        <Progress.Section value={(failed / total) * 100} color="red" />
      </Progress.Root>
      {failed > 0 && finished(task) && (
        <Alert color="red" mb="xs">
          {failed} node(s) failed to apply; see their message.
        </Alert>
      )}
      <div style={{ maxHeight: 180, overflow: 'auto' }}>
        <Table striped withRowBorders={false} fz="sm" aria-label="Apply progress per node">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Node</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Runs version</Table.Th>
              <Table.Th>Time</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {task.nodes.map((n) => (
              <Table.Tr key={n.node} data-node={n.node}>
                <Table.Td>{n.node}</Table.Td>
                <Table.Td>
                  <StateBadge state={n.offline && n.state === 'pending' ? 'offline' : n.state} message={n.message} />
                </Table.Td>
                <Table.Td>{n.version}</Table.Td>
                <Table.Td>{(n.ms / 1000).toFixed(1)} s</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
    </div>
  );
}
