import { ActionIcon, Alert, Button, Group, Select, Title, Tooltip } from '@mantine/core';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { errorText } from '../api/client';
import { DataTable } from '../common/DataTable';
import { usePoll } from '../common/usePoll';
import { useSession } from '../context';
import { KINDS, type KindName } from './kinds';
import { ObjectDialog } from './ObjectDialog';
import { PendingBadge } from './PendingBadge';
import { pendingChanges, type PendingObject, pendingValues } from './pending';

type Row = PendingObject & Record<string, unknown>;

/** Where a kind's objects live; subnets under their vnet. */
function listPath(kind: KindName, vnet?: string): string {
  return kind === 'subnets' ? `/cluster/sdn/vnets/${encodeURIComponent(vnet ?? '')}/subnets` : `/cluster/sdn/${kind}`;
}

const display = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * The list of one kind (zones, vnets, subnets of a vnet, controllers, IPAMs,
 * DNS servers) in the API's pending view, with create / edit / delete.
 * Buttons are disabled where the ACL does not allow the change.
 */
export function ObjectsView({ kindName }: { kindName: KindName }) {
  const kind = KINDS[kindName];
  const { api, perms } = useSession();
  const [vnet, setVnet] = useState<string | null>(null);
  const [dialog, setDialog] = useState<{ initial?: Row } | null>(null);
  const [actionError, setActionError] = useState<string>();
  const vnets = usePoll(() => (kindName === 'subnets' ? api.get<Row[]>('/cluster/sdn/vnets') : Promise.resolve([])), 0, [kindName]);
  const list = usePoll(() => (kindName === 'subnets' && !vnet ? Promise.resolve([]) : api.get<Row[]>(listPath(kindName, vnet ?? undefined), { pending: 1 })), 10_000, [kindName, vnet]);
  // Options of the dialog's selects (zones for a vnet, controllers for an EVPN zone, …).
  const needs = [...new Set(Object.values(kind.byType).flat().concat(kind.common).map((f) => f.optionsFrom).filter(Boolean))] as KindName[];
  const options = usePoll(async () => {
    const out: Record<string, string[]> = {};
    for (const k of needs) out[k] = (await api.get<Row[]>(`/cluster/sdn/${k}`)).map((o) => String(o[KINDS[k].idKey]));
    return out;
  }, 0, [kindName, dialog !== null]);

  const doc = usePoll(() => api.openApi(), 0, []);

  const vnetRow = vnets.data?.find((v) => v.vnet === vnet);
  const createPath = kindName === 'subnets' ? `/sdn/zones/${String(vnetRow?.zone ?? '')}/${vnet ?? ''}` : kindName === 'vnets' ? '/sdn/zones' : kind.aclPath({});
  const canCreate = kindName === 'subnets' ? Boolean(vnet) && perms.can('SDN.Allocate', createPath) : kindName === 'vnets' ? perms.canSomewhere('SDN.Allocate', '/sdn/zones') : perms.can('SDN.Allocate', kindName === 'zones' ? '/sdn/zones' : createPath);
  const rowPath = (o: Row) => (kindName === 'subnets' ? `/sdn/zones/${String(o.zone)}/${String(o.vnet)}` : kind.aclPath(o));
  const idOf = (o: Row) => String(o[kindName === 'subnets' ? 'subnet' : kind.idKey]);

  const remove = async (o: Row) => {
    if (!window.confirm(`Delete ${kind.title.replace(/s$/, '').toLowerCase()} ${idOf(o)}? It goes at the next apply.`)) return;
    setActionError(undefined);
    try {
      await api.request('DELETE', `${listPath(kindName, vnet ?? undefined)}/${encodeURIComponent(idOf(o))}`);
      await list.reload();
    } catch (e) {
      setActionError(errorText(e));
    }
  };

  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      { id: 'id', header: kind.idLabel, accessorFn: (o) => (kindName === 'subnets' ? o.cidr : o[kind.idKey]), cell: (c) => <strong>{display(c.getValue())}</strong> },
      ...kind.columns.filter((c) => c !== 'vnet' && c !== 'cidr').map((c) => ({ id: c, header: c, accessorFn: (o: Row) => display(pendingValues(o)[c]) })),
      { id: 'state', header: 'Pending', accessorFn: (o) => o.state ?? '', cell: (c) => <PendingBadge o={c.row.original} /> },
      { id: 'changes', header: 'Changes', accessorFn: (o) => pendingChanges(o).join('; '), enableSorting: false },
      {
        id: 'actions',
        header: 'Actions',
        enableSorting: false,
        cell: (c) => {
          const o = c.row.original;
          const allowed = perms.can('SDN.Allocate', rowPath(o));
          const gone = o.state === 'deleted';
          const why = !allowed ? 'you may not change this object (SDN.Allocate)' : gone ? 'already deleted (pending)' : '';
          return (
            <Group gap={4} wrap="nowrap">
              <Tooltip label={why || 'Edit'} disabled={!why && false}>
                <Button size="compact-xs" variant="light" disabled={!allowed || gone} onClick={() => setDialog({ initial: o })} aria-label={`Edit ${idOf(o)}`}>
                  Edit
                </Button>
              </Tooltip>
              <Tooltip label={why || 'Delete'}>
                <ActionIcon size="sm" color="red" variant="light" disabled={!allowed || gone} onClick={() => void remove(o)} aria-label={`Delete ${idOf(o)}`}>
                  ✕
                </ActionIcon>
              </Tooltip>
            </Group>
          );
        },
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [kindName, perms, vnet],
  );

  const submit = async (params: Record<string, unknown>) => {
    const initial = dialog?.initial;
    if (initial) await api.request('PUT', `${listPath(kindName, vnet ?? undefined)}/${encodeURIComponent(idOf(initial))}`, params);
    else await api.request('POST', listPath(kindName, vnet ?? undefined), kindName === 'subnets' ? { ...params, type: 'subnet' } : params);
    await list.reload();
  };

  return (
    <div>
      <Title order={2} size="h3" mb="xs">
        {kind.title}
      </Title>
      {kindName === 'subnets' && (
        <Select label="VNet" placeholder="choose a vnet" searchable data={(vnets.data ?? []).map((v) => String(v.vnet))} value={vnet} onChange={setVnet} mb="xs" style={{ width: 260 }} limit={200} />
      )}
      {(list.error || actionError) && (
        <Alert color="red" mb="xs" role="alert">
          {actionError ?? list.error}
        </Alert>
      )}
      <DataTable<Row>
        label={kind.title}
        data={list.data ?? []}
        columns={columns}
        rowId={idOf}
        height={kindName === 'subnets' ? 'calc(100vh - 260px)' : undefined}
        onActivate={(o) => perms.can('SDN.Allocate', rowPath(o)) && o.state !== 'deleted' && setDialog({ initial: o })}
        toolbar={
          <Tooltip label={canCreate ? `Create a ${kind.title.replace(/s$/, '').toLowerCase()}` : 'you may not create here (SDN.Allocate)'}>
            <Button onClick={() => setDialog({})} disabled={!canCreate}>
              Create
            </Button>
          </Tooltip>
        }
      />
      {dialog && (
        <ObjectDialog
          kind={kind}
          initial={dialog.initial ? pendingValues(dialog.initial) : undefined}
          options={options.data ?? {}}
          submit={submit}
          onClose={() => setDialog(null)}
          context={kindName === 'subnets' && vnet ? { VNet: vnet } : undefined}
          doc={doc.data}
        />
      )}
    </div>
  );
}
