import { Alert, Badge, Button, Group, Modal, Select, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { ApiError, errorText } from '../api/client';
import { DataTable } from '../common/DataTable';
import { usePoll } from '../common/usePoll';
import { useSession } from '../context';
import { freeCount } from './free';

interface Entry {
  zone: string;
  subnet: string;
  vnet?: string;
  ip: string;
  mac?: string;
  hostname?: string;
  vmid?: number;
  gateway?: number;
}

interface SubnetRow {
  subnet: string;
  cidr: string;
  vnet: string;
  zone: string;
  gateway?: string;
}

/** Per subnet: allocated addresses (IP, hostname, MAC, gateway) and free count, with allocate / release (built-in IPAM). */
export function IpamView() {
  const { api, perms } = useSession();
  const [vnet, setVnet] = useState<string | null>(null);
  const [subnet, setSubnet] = useState<string | null>(null);
  const [dialog, setDialog] = useState(false);
  const [error, setError] = useState<string>();
  const vnets = usePoll(() => api.get<{ vnet: string; zone: string }[]>('/cluster/sdn/vnets'), 0);
  const subnets = usePoll(() => (vnet ? api.get<SubnetRow[]>(`/cluster/sdn/vnets/${encodeURIComponent(vnet)}/subnets`) : Promise.resolve([])), 0, [vnet]);
  const entries = usePoll(() => api.get<Entry[]>('/cluster/sdn/ipams/pve/status'), 5000);
  const chosen = subnets.data?.find((s) => s.subnet === subnet);
  const rows = useMemo(() => (entries.data ?? []).filter((e) => chosen && e.zone === chosen.zone && e.subnet === chosen.cidr), [entries.data, chosen]);
  const zone = vnets.data?.find((v) => v.vnet === vnet)?.zone;
  const mayAllocate = Boolean(vnet && zone && perms.can('SDN.Allocate', `/sdn/zones/${zone}/${vnet}`));

  const release = async (e: Entry) => {
    if (!window.confirm(`Release ${e.ip}?`)) return;
    setError(undefined);
    try {
      await api.request('DELETE', `/cluster/sdn/vnets/${encodeURIComponent(vnet!)}/ips`, { zone: e.zone, ip: e.ip, mac: e.mac });
      await entries.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const columns = useMemo<ColumnDef<Entry, unknown>[]>(
    () => [
      { id: 'ip', header: 'IP', accessorFn: (e) => e.ip },
      { id: 'hostname', header: 'Hostname', accessorFn: (e) => e.hostname ?? '' },
      { id: 'mac', header: 'MAC', accessorFn: (e) => e.mac ?? '' },
      { id: 'vmid', header: 'VMID', accessorFn: (e) => e.vmid ?? '' },
      { id: 'gateway', header: 'Gateway', accessorFn: (e) => (e.gateway ? 'yes' : ''), cell: (c) => (c.row.original.gateway ? <Badge variant="light">gateway</Badge> : null) },
      {
        id: 'actions',
        header: 'Actions',
        enableSorting: false,
        cell: (c) => {
          const e = c.row.original;
          return (
            <Tooltip label={!mayAllocate ? 'you may not change this vnet (SDN.Allocate)' : e.gateway ? 'the gateway is set on the subnet' : `Release ${e.ip}`}>
              <Button size="compact-xs" color="red" variant="light" disabled={!mayAllocate || Boolean(e.gateway)} onClick={() => void release(e)} aria-label={`Release ${e.ip}`}>
                Release
              </Button>
            </Tooltip>
          );
        },
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [mayAllocate, vnet],
  );

  return (
    <div>
      <Title order={2} size="h3" mb="xs">
        IPAM
      </Title>
      <Group mb="xs" align="flex-end">
        <Select label="VNet" placeholder="choose a vnet" searchable limit={200} data={(vnets.data ?? []).map((v) => v.vnet)} value={vnet} onChange={(v) => (setVnet(v), setSubnet(null))} style={{ width: 220 }} />
        <Select label="Subnet" placeholder={vnet ? 'choose a subnet' : 'choose a vnet first'} data={(subnets.data ?? []).map((s) => ({ value: s.subnet, label: s.cidr }))} value={subnet} onChange={setSubnet} disabled={!vnet} style={{ width: 220 }} />
        {chosen && (
          <Text size="sm" data-testid="free-count" pb={8}>
            {rows.length} allocated · {freeCount(chosen.cidr, rows.length).toString()} free
          </Text>
        )}
      </Group>
      {(error || entries.error) && (
        <Alert color="red" mb="xs" role="alert">
          {error ?? entries.error}
        </Alert>
      )}
      {chosen ? (
        <DataTable<Entry>
          label="Allocated addresses"
          data={rows}
          columns={columns}
          rowId={(e) => e.ip}
          height="calc(100vh - 260px)"
          toolbar={
            <Tooltip label={mayAllocate ? 'Allocate the next free address, or a given one' : 'you may not allocate here (SDN.Allocate)'}>
              <Button onClick={() => setDialog(true)} disabled={!mayAllocate}>
                Allocate
              </Button>
            </Tooltip>
          }
        />
      ) : (
        <Text c="dimmed">Choose a vnet and one of its subnets.</Text>
      )}
      {dialog && chosen && vnet && (
        <AllocateDialog
          cidr={chosen.cidr}
          onClose={() => setDialog(false)}
          submit={async (p) => {
            await api.request('POST', `/cluster/sdn/vnets/${encodeURIComponent(vnet)}/ips`, { zone: chosen.zone, subnet: chosen.cidr, ...p });
            await entries.reload();
          }}
        />
      )}
    </div>
  );
}

function AllocateDialog({ cidr, submit, onClose }: { cidr: string; submit: (p: Record<string, string>) => Promise<void>; onClose: () => void }) {
  const [v, setV] = useState({ ip: '', hostname: '', mac: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setErrors({});
    setGeneral(undefined);
    try {
      await submit(Object.fromEntries(Object.entries(v).filter(([, x]) => x.trim() !== '')));
      onClose();
    } catch (e) {
      if (e instanceof ApiError) {
        setErrors(e.errors);
        const rest = Object.entries(e.errors).filter(([k]) => !(k in v));
        setGeneral(rest.length || !Object.keys(e.errors).length ? errorText(e) : undefined);
      } else setGeneral(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={`Allocate an address in ${cidr}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Stack gap="xs">
          <TextInput label="IP address" description="empty: the next free address" value={v.ip} error={errors.ip} onChange={(e) => setV({ ...v, ip: e.currentTarget.value })} data-autofocus />
          <TextInput label="Hostname" value={v.hostname} error={errors.hostname} onChange={(e) => setV({ ...v, hostname: e.currentTarget.value })} />
          <TextInput label="MAC address" value={v.mac} error={errors.mac} onChange={(e) => setV({ ...v, mac: e.currentTarget.value })} />
          {general && (
            <Alert color="red" role="alert">
              {general}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Allocate
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
