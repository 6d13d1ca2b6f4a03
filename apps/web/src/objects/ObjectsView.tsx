import { ActionIcon, Alert, Button, Group, Select, Text, Title, Tooltip } from '@mantine/core';
import type { ColumnDef } from '@tanstack/react-table';
import { useEffect, useMemo, useState } from 'react';
import { errorText } from '../api/client';
import { DataTable } from '../common/DataTable';
import { usePoll } from '../common/usePoll';
import { useSession } from '../context';
import { KINDS, type KindName } from './kinds';
import { ObjectDialog } from './ObjectDialog';
import { PendingBadge } from './PendingBadge';
import { pendingChanges, type PendingObject, pendingValues } from './pending';
import { changeRefusal, createRefusal } from './refusal';

type Row = PendingObject & Record<string, unknown>;

/** Where a kind's objects live; subnets under their vnet, fabric nodes under their fabric. */
function listPath(collection: string, parent?: string): string {
  return collection.replace(/\{[^}]+\}/, encodeURIComponent(parent ?? ''));
}

const display = (v: unknown) => (v === undefined || v === null ? '' : Array.isArray(v) ? v.map(String).join('; ') : typeof v === 'object' ? JSON.stringify(v) : String(v));

interface Props {
  kindName: KindName;
  /**
   * The parent of a kind that lives under one (the fabric whose nodes these are); null: none
   * chosen yet. Left out, the view offers its own choice (subnets: a VNet select).
   */
  parent?: Row | null;
  /** Rows one can pick (a fabric, to show its nodes): the ID cell becomes a toggle button. */
  pick?: { selected?: string; onPick: (o: Row | null) => void; label: (id: string) => string };
  title?: string;
  /** A line under the heading (what to do first). */
  note?: string;
  /** A section inside a view (smaller heading). */
  nested?: boolean;
  height?: number | string;
}

/**
 * The list of one kind (zones, vnets, subnets of a vnet, controllers, IPAMs,
 * DNS servers, fabrics, nodes of a fabric) in the API's pending view, with
 * create / edit / delete. Buttons are disabled where the ACL does not allow the change.
 */
export function ObjectsView({ kindName, parent, pick, title, note, nested, height }: Props) {
  const kind = KINDS[kindName];
  const parentKind = kind.parent && KINDS[kind.parent.kind];
  const { api, perms } = useSession();
  const choosesParent = Boolean(parentKind) && parent === undefined;
  const [chosen, setChosen] = useState<string | null>(null);
  const [dialog, setDialog] = useState<{ initial?: Row } | null>(null);
  const [actionError, setActionError] = useState<string>();
  const parents = usePoll(() => (choosesParent && parentKind ? api.get<Row[]>(parentKind.collection) : Promise.resolve([])), 0, [kindName, choosesParent]);
  const parentRow = parent ?? (parentKind ? parents.data?.find((v) => String(v[parentKind.idKey]) === chosen) : undefined) ?? undefined;
  const parentId = parentKind ? (parent ? String(parent[parentKind.idKey]) : (chosen ?? undefined)) : undefined;
  const path = listPath(kind.collection, parentId);
  const list = usePoll(() => (parentKind && !parentId ? Promise.resolve([]) : api.get<Row[]>(path, { pending: 1 })), 10_000, [kindName, path]);
  // Options of the dialog's selects (zones for a vnet, controllers for an EVPN zone, …).
  const needs = [...new Set(Object.values(kind.byType).flat().concat(kind.common).map((f) => f.optionsFrom).filter(Boolean))] as KindName[];
  const options = usePoll(async () => {
    const out: Record<string, string[]> = {};
    for (const k of needs) out[k] = (await api.get<Row[]>(KINDS[k].collection)).map((o) => String(o[KINDS[k].idKey]));
    return out;
  }, 0, [kindName, dialog !== null]);

  const doc = usePoll(() => api.openApi(), 0, []);

  const idOf = (o: Row) => String(o[kind.idKey]);
  const cannotCreate = createRefusal(kind, perms, parentKind ? parentRow : undefined, Boolean(parentKind));
  const singular = kind.title.replace(/s$/, '').toLowerCase();

  // The picked row follows the list: its latest state, or none once it went away (deleted and applied, rolled back).
  const picked = pick?.selected;
  const rows = list.data;
  useEffect(() => {
    if (picked !== undefined && rows) pick?.onPick(rows.find((o) => idOf(o) === picked) ?? null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [picked, rows]);

  const remove = async (o: Row) => {
    if (!window.confirm(`Delete ${singular} ${idOf(o)}? It goes at the next apply.`)) return;
    setActionError(undefined);
    try {
      await api.request('DELETE', `${path}/${encodeURIComponent(idOf(o))}`);
      await list.reload();
    } catch (e) {
      setActionError(errorText(e));
    }
  };

  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: 'id',
        header: kind.idLabel,
        accessorFn: (o) => display(kind.shownId ? kind.shownId(o) : o[kind.idKey]),
        cell: (c) => {
          const id = idOf(c.row.original);
          if (!pick) return <strong>{String(c.getValue())}</strong>;
          const on = pick.selected === id;
          return (
            <Button size="compact-sm" variant={on ? 'filled' : 'subtle'} aria-pressed={on} aria-label={pick.label(id)} onClick={() => pick.onPick(on ? null : c.row.original)}>
              {String(c.getValue())}
            </Button>
          );
        },
      },
      ...kind.columns.map((c) => ({ id: c, header: c, accessorFn: (o: Row) => display(pendingValues(o)[c]) })),
      { id: 'state', header: 'Pending', accessorFn: (o) => o.state ?? '', cell: (c) => <PendingBadge o={c.row.original} /> },
      { id: 'changes', header: 'Changes', accessorFn: (o) => pendingChanges(o).join('; '), enableSorting: false },
      {
        id: 'actions',
        header: 'Actions',
        enableSorting: false,
        cell: (c) => {
          const o = c.row.original;
          const why = changeRefusal(kind, perms, o);
          return (
            <Group gap={4} wrap="nowrap">
              <Tooltip label={why ?? 'Edit'}>
                <Button size="compact-xs" variant="light" disabled={why !== undefined} onClick={() => setDialog({ initial: o })} aria-label={`Edit ${idOf(o)}`}>
                  Edit
                </Button>
              </Tooltip>
              <Tooltip label={why ?? 'Delete'}>
                <ActionIcon size="sm" color="red" variant="light" disabled={why !== undefined} onClick={() => void remove(o)} aria-label={`Delete ${idOf(o)}`}>
                  ✕
                </ActionIcon>
              </Tooltip>
            </Group>
          );
        },
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [kindName, perms, path, pick?.selected],
  );

  const submit = async (params: Record<string, unknown>) => {
    const initial = dialog?.initial;
    if (initial) await api.request('PUT', `${path}/${encodeURIComponent(idOf(initial))}`, params);
    else await api.request('POST', path, { ...params, ...kind.createExtra });
    await list.reload();
  };

  const heading = title ?? kind.title;
  return (
    <div>
      <Title order={nested ? 3 : 2} size={nested ? 'h4' : 'h3'} mb="xs" mt={nested ? 'md' : undefined}>
        {heading}
      </Title>
      {note && (
        <Text size="sm" c="dimmed" mb="xs">
          {note}
        </Text>
      )}
      {choosesParent && parentKind && (
        <Select
          label={kind.parent!.label}
          placeholder={`choose a ${kind.parent!.label.toLowerCase()}`}
          searchable
          data={(parents.data ?? []).map((v) => String(v[parentKind.idKey]))}
          value={chosen}
          onChange={setChosen}
          mb="xs"
          style={{ width: 260 }}
          limit={200}
        />
      )}
      {(list.error || actionError) && (
        <Alert color="red" mb="xs" role="alert">
          {actionError ?? list.error}
        </Alert>
      )}
      <DataTable<Row>
        label={heading}
        data={list.data ?? []}
        columns={columns}
        rowId={idOf}
        height={height ?? (choosesParent ? 'calc(100vh - 260px)' : undefined)}
        onActivate={(o) => changeRefusal(kind, perms, o) === undefined && setDialog({ initial: o })}
        toolbar={
          <Tooltip label={cannotCreate ?? `Create a ${singular}`}>
            <Button onClick={() => setDialog({})} disabled={cannotCreate !== undefined} aria-label={nested ? `Create ${singular}` : undefined}>
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
          context={kind.parent && parentId ? { [kind.parent.label]: parentId } : undefined}
          fixedType={kind.typeFromParent && parentRow ? kind.typeFromParent(parentRow) : undefined}
          doc={doc.data}
        />
      )}
    </div>
  );
}
