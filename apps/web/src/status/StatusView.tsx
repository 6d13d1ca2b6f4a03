import { Alert, Badge, Button, Group, Paper, Text, TextInput, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { errorText } from '../api/client';
import { usePoll } from '../common/usePoll';
import { useSession } from '../context';
import { ApplyProgress, type ApplyTaskView, finished } from './ApplyProgress';
import { StateBadge } from './StateBadge';
import { type ClusterStatus, nodeState, treeRows, type TreeRow, type VnetStatus } from './tree';

const ROW = 32;

/** Objects whose pending state differs from running, for the "n pending changes" hint. */
async function pendingCount(get: <T>(p: string, q?: Record<string, unknown>) => Promise<T>): Promise<number> {
  const lists = await Promise.all(['zones', 'vnets', 'controllers'].map((k) => get<{ state?: string }[]>(`/cluster/sdn/${k}`, { pending: 1 }).catch(() => [])));
  return lists.flat().filter((o) => o.state).length;
}

/**
 * SDN status: nodes → zones → vnets with their state, refreshed every 3 s;
 * the running version per node; Apply with per-node progress and Rollback.
 */
export function StatusView({ refreshMs = 3000 }: { refreshMs?: number }) {
  const { api, perms } = useSession();
  const status = usePoll(() => api.get<ClusterStatus>('/cluster/sdn/status'), refreshMs);
  // After the tree's own data: on a big config the pending lists cost the API more than the status does.
  const statusLoaded = status.data !== undefined;
  const pending = usePoll(() => (statusLoaded ? pendingCount(api.get.bind(api)) : Promise.resolve(undefined)), refreshMs, [statusLoaded]);
  const [openNodes, setOpenNodes] = useState<Set<string>>(new Set());
  const [openZones, setOpenZones] = useState<Set<string>>(new Set());
  const [vnets, setVnets] = useState<Map<string, VnetStatus[]>>(new Map());
  const [filter, setFilter] = useState('');
  const [task, setTask] = useState<ApplyTaskView>();
  const [taskId, setTaskId] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const mayApply = perms.can('SDN.Allocate', '/sdn');

  // The first time, open every node: with few nodes that is what one wants to see.
  const seeded = useRef(false);
  useEffect(() => {
    if (seeded.current || !status.data) return;
    seeded.current = true;
    if (status.data.nodes.length <= 200) setOpenNodes(new Set(status.data.nodes.map((n) => n.node)));
  }, [status.data]);

  // Open zones' vnet lists follow the same refresh.
  useEffect(() => {
    let stop = false;
    void (async () => {
      const next = new Map<string, VnetStatus[]>();
      for (const key of openZones) {
        const [node, zone] = key.split('/');
        try {
          next.set(key, await api.get<VnetStatus[]>(`/nodes/${encodeURIComponent(node)}/sdn/zones/${encodeURIComponent(zone)}/content`));
        } catch {
          next.set(key, []);
        }
      }
      if (!stop) setVnets(next);
    })();
    return () => {
      stop = true;
    };
  }, [api, openZones, status.data]);

  // Follow the apply task until every node applied or failed.
  useEffect(() => {
    if (!taskId) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      try {
        const t = await api.get<ApplyTaskView>(`/cluster/sdn/apply/${encodeURIComponent(taskId)}`);
        if (stop) return;
        setTask(t);
        if (finished(t)) {
          void status.reload();
          void pending.reload();
          return;
        }
      } catch (e) {
        if (!stop) setError(errorText(e));
      }
      if (!stop) timer = setTimeout(tick, 1000);
    };
    void tick();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, taskId]);

  const act = async (what: 'apply' | 'rollback') => {
    if (what === 'rollback' && !window.confirm('Discard every pending change (zones, vnets, subnets, controllers)?')) return;
    setBusy(true);
    setError(undefined);
    try {
      if (what === 'apply') {
        setTask(undefined);
        setTaskId(await api.request<string>('PUT', '/cluster/sdn'));
      } else await api.request('POST', '/cluster/sdn/rollback');
      void pending.reload();
      void status.reload();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const rows = useMemo(() => (status.data ? treeRows(status.data, openNodes, openZones, vnets, filter) : []), [status.data, openNodes, openZones, vnets, filter]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 15 });
  const toggle = (set: Set<string>, key: string, update: (s: Set<string>) => void) => {
    const next = new Set(set);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    update(next);
  };

  const rowView = (r: TreeRow) => {
    const indent = { paddingLeft: 8 + r.depth * 22 };
    if (r.kind === 'note')
      return (
        <Text size="sm" c="dimmed" style={indent}>
          {r.text}
        </Text>
      );
    if (r.kind === 'vnet')
      return (
        <Group gap="xs" style={indent} role="treeitem" aria-level={3} aria-label={`vnet ${r.vnet.vnet} ${r.vnet.status}`} data-vnet={r.vnet.vnet} data-node={r.node}>
          <Text size="sm">{r.vnet.vnet}</Text>
          <StateBadge state={r.vnet.status} message={r.vnet.statusmsg} />
        </Group>
      );
    if (r.kind === 'zone') {
      const z = r.zone;
      return (
        <Group gap="xs" style={indent} role="treeitem" aria-level={2} aria-expanded={r.open} data-zone={z.zone} data-node={r.node}>
          <UnstyledButton onClick={() => toggle(openZones, r.key, setOpenZones)} aria-label={`${r.open ? 'Close' : 'Open'} zone ${z.zone} on ${r.node}`} style={{ width: 16 }}>
            {r.open ? '▾' : '▸'}
          </UnstyledButton>
          <Text size="sm" fw={500}>
            {z.zone}
          </Text>
          <StateBadge state={z.status} message={z.statusmsg ?? (z.errors.length ? z.errors.map((e) => `${e.vnet}: ${e.statusmsg ?? 'error'}`).join('\n') : undefined)} />
          <Text size="xs" c="dimmed">
            {z.vnets.available + z.vnets.pending + z.vnets.error} vnets{z.vnets.pending ? `, ${z.vnets.pending} pending` : ''}
            {z.vnets.error ? `, ${z.vnets.error} in error` : ''}
          </Text>
        </Group>
      );
    }
    const n = r.node;
    const state = nodeState(n);
    return (
      <Group gap="xs" style={indent} role="treeitem" aria-level={1} aria-expanded={r.open} data-node-row={n.node}>
        <UnstyledButton onClick={() => toggle(openNodes, n.node, setOpenNodes)} aria-label={`${r.open ? 'Close' : 'Open'} node ${n.node}`} style={{ width: 16 }}>
          {r.open ? '▾' : '▸'}
        </UnstyledButton>
        <Text size="sm" fw={700}>
          {n.node}
        </Text>
        <StateBadge state={state} message={n.offline ? `no heartbeat since ${n.heartbeatAt}` : n.apply.state === 'error' ? n.apply.message : undefined} />
        <Badge variant="outline" color={status.data && n.version === status.data.running ? 'blue' : 'orange'} aria-label={`runs version ${n.version}`}>
          v{n.version}
        </Badge>
        <Text size="xs" c="dimmed">
          {n.zones.length} zones
        </Text>
      </Group>
    );
  };

  return (
    <div>
      <Group justify="space-between" mb="xs" align="flex-end">
        <div>
          <Title order={2} size="h3">
            SDN status
          </Title>
          <Text size="sm" c="dimmed">
            Running version {status.data?.running ?? '…'} · {status.data?.nodes.length ?? 0} nodes ·{' '}
            <span data-testid="pending-count">{pending.data === undefined ? '…' : `${pending.data} pending change${pending.data === 1 ? '' : 's'}`}</span>
          </Text>
        </div>
        <Group>
          <TextInput label="Filter nodes and zones" value={filter} onChange={(e) => setFilter(e.currentTarget.value)} style={{ width: 220 }} />
          {mayApply && (
            <Tooltip label="Discard pending edits and go back to the running configuration">
              <Button variant="default" onClick={() => void act('rollback')} disabled={busy || !pending.data}>
                Rollback
              </Button>
            </Tooltip>
          )}
          {mayApply && (
            <Tooltip label="Make the pending configuration running on every node">
              <Button onClick={() => void act('apply')} loading={busy}>
                Apply
              </Button>
            </Tooltip>
          )}
        </Group>
      </Group>
      {(error || status.error) && (
        <Alert color="red" mb="xs" role="alert">
          {error ?? status.error}
        </Alert>
      )}
      {task && (
        <Paper withBorder p="xs" mb="xs">
          <ApplyProgress task={task} />
        </Paper>
      )}
      <div ref={scroller} role="tree" aria-label="SDN status" style={{ height: task ? 'calc(100vh - 420px)' : 'calc(100vh - 170px)', minHeight: 200, overflow: 'auto', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((vi) => (
            <div key={rows[vi.index].key} style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${vi.start}px)`, display: 'flex', alignItems: 'center', borderBottom: '1px solid var(--mantine-color-gray-1)' }}>
              {rowView(rows[vi.index])}
            </div>
          ))}
        </div>
        {status.data && !status.data.nodes.length && <Text p="sm">No node has reported yet.</Text>}
      </div>
    </div>
  );
}
