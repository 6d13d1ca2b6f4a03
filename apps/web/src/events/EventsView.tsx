import { Group, Switch, TextInput, Title, Tooltip, Text } from '@mantine/core';
import type { ColumnDef } from '@tanstack/react-table';
import { useEffect, useMemo, useRef, useState } from 'react';
import { errorText } from '../api/client';
import { DataTable } from '../common/DataTable';
import { useSession } from '../context';

export interface AuditEvent {
  seq: number | string;
  type: string;
  aggregateType?: string;
  aggregateId?: string;
  actor?: string;
  time?: string;
  correlationId?: string;
  payload?: unknown;
}

/** Newest first, capped: the log itself stays in the API. */
const KEEP = 20_000;

export function matches(e: AuditEvent, f: { object: string; user: string; correlation: string }): boolean {
  const has = (v: string | undefined, q: string) => !q || (v ?? '').toLowerCase().includes(q.toLowerCase());
  return has(`${e.aggregateType ?? ''}/${e.aggregateId ?? ''}`, f.object) && has(e.actor, f.user) && has(e.correlationId, f.correlation);
}

/** The audit log, filterable by object, user and correlation id, following new events live. */
export function EventsView() {
  const { api } = useSession();
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [follow, setFollow] = useState(true);
  const [error, setError] = useState<string>();
  const [f, setF] = useState({ object: '', user: '', correlation: '' });
  const since = useRef(0);

  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      try {
        // Catch up in pages of 1000, then wait for more.
        for (;;) {
          const page = await api.get<AuditEvent[]>('/cluster/sdn/events', { since: since.current, limit: 1000 });
          if (stop) return;
          if (page.length) {
            since.current = Number(page[page.length - 1].seq);
            setEvents((old) => [...page.reverse(), ...old].slice(0, KEEP));
          }
          if (page.length < 1000) break;
        }
        setError(undefined);
      } catch (e) {
        if (!stop) setError(errorText(e));
      }
      if (!stop && follow) timer = setTimeout(tick, 2000);
    };
    void tick();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [api, follow]);

  const rows = useMemo(() => events.filter((e) => matches(e, f)), [events, f]);
  const columns = useMemo<ColumnDef<AuditEvent, unknown>[]>(
    () => [
      { id: 'seq', header: 'Seq', accessorFn: (e) => Number(e.seq) },
      { id: 'time', header: 'Time', accessorFn: (e) => e.time ?? '' },
      { id: 'type', header: 'Event', accessorFn: (e) => e.type },
      { id: 'object', header: 'Object', accessorFn: (e) => `${e.aggregateType ?? ''}/${e.aggregateId ?? ''}` },
      { id: 'actor', header: 'User', accessorFn: (e) => e.actor ?? '' },
      { id: 'correlation', header: 'Correlation id', accessorFn: (e) => e.correlationId ?? '' },
      {
        id: 'payload',
        header: 'Details',
        enableSorting: false,
        accessorFn: (e) => JSON.stringify(e.payload ?? {}).slice(0, 300),
        cell: (c) => (
          <Tooltip label={<pre style={{ margin: 0, fontSize: 11 }}>{JSON.stringify(c.row.original.payload ?? {}, null, 2).slice(0, 2000)}</pre>} multiline maw={560}>
            <span tabIndex={0}>{String(c.getValue()).slice(0, 80)}</span>
          </Tooltip>
        ),
      },
    ],
    [],
  );

  return (
    <div>
      <Title order={2} size="h3" mb="xs">
        Events
      </Title>
      <Group mb="xs" align="flex-end">
        <TextInput label="Object" placeholder="zone/myzone" value={f.object} onChange={(e) => setF({ ...f, object: e.currentTarget.value })} />
        <TextInput label="User" placeholder="root@pam" value={f.user} onChange={(e) => setF({ ...f, user: e.currentTarget.value })} />
        <TextInput label="Correlation id" value={f.correlation} onChange={(e) => setF({ ...f, correlation: e.currentTarget.value })} />
        <Switch label="Follow new events" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} pb={8} />
        {error && (
          <Text c="red" size="sm" role="alert">
            {error}
          </Text>
        )}
      </Group>
      <DataTable<AuditEvent> label="Events" data={rows} columns={columns} rowId={(e) => String(e.seq)} height="calc(100vh - 250px)" initialSort={[{ id: 'seq', desc: true }]} />
    </div>
  );
}
