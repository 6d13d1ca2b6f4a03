import { AppShell, Button, Group, Loader, NavLink, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiClient, type Credentials, errorText } from './api/client';
import { LoginPage } from './auth/LoginPage';
import { type PermissionMap, Permissions } from './auth/permissions';
import { loadCredentials, logout, saveCredentials } from './auth/session';
import { SessionContext } from './context';
import { DryRunView } from './dryrun/DryRunView';
import { EventsView } from './events/EventsView';
import { FabricsView } from './fabrics/FabricsView';
import { IpamView } from './ipam/IpamView';
import { ObjectsView } from './objects/ObjectsView';
import type { KindName } from './objects/kinds';
import { StatusView } from './status/StatusView';

const NO_PERMISSIONS = new Permissions({});

const VIEWS = [
  { id: 'status', label: 'Status' },
  { id: 'zones', label: 'Zones' },
  { id: 'vnets', label: 'VNets' },
  { id: 'subnets', label: 'Subnets' },
  { id: 'controllers', label: 'Controllers' },
  { id: 'ipams', label: 'IPAM backends' },
  { id: 'dns', label: 'DNS' },
  { id: 'fabrics', label: 'Fabrics' },
  { id: 'ipam', label: 'IP addresses' },
  { id: 'dryrun', label: 'Dry run' },
  { id: 'events', label: 'Events' },
] as const;
type ViewId = (typeof VIEWS)[number]['id'];

/** The view in the URL's hash, so a reload or a link keeps it. */
function viewFromHash(): ViewId {
  const h = location.hash.replace(/^#\/?/, '');
  return (VIEWS.find((v) => v.id === h)?.id ?? 'status') as ViewId;
}

export function App() {
  const [creds, setCreds] = useState<Credentials | null>(() => loadCredentials());
  const [perms, setPerms] = useState<Permissions>();
  const [error, setError] = useState<string>();
  const [view, setView] = useState<ViewId>(viewFromHash);
  const signOut = useCallback(() => {
    logout();
    setCreds(null);
    setPerms(undefined);
  }, []);
  const api = useMemo(() => new ApiClient(creds, undefined, signOut), [creds, signOut]);

  useEffect(() => {
    const on = () => setView(viewFromHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  useEffect(() => {
    if (!creds) return;
    saveCredentials(creds);
    api
      .get<PermissionMap>('/access/permissions')
      .then((m) => setPerms(new Permissions(m)))
      .catch((e) => setError(errorText(e)));
  }, [api, creds]);

  if (!creds) return <LoginPage onLogin={setCreds} />;
  if (error)
    return (
      <Group p="xl">
        <Text c="red">{error}</Text>
        <Button onClick={signOut}>Log out</Button>
      </Group>
    );

  // The view loads its data while the permissions are still on their way; until they
  // arrive nothing may be changed (no privileges), so no button is enabled too early.
  return (
    <SessionContext.Provider value={{ api, perms: perms ?? NO_PERMISSIONS, user: api.user ?? '' }}>
      <AppShell header={{ height: 48 }} navbar={{ width: 180, breakpoint: 0 }} padding="sm">
        <AppShell.Header>
          <Group h="100%" px="sm" justify="space-between">
            <Title order={1} size="h4">
              SDN panel
            </Title>
            <Group gap="xs">
              {!perms && <Loader size="xs" aria-label="loading permissions" />}
              <Text size="sm" data-testid="user" data-ready={perms ? 'true' : 'false'}>
                {api.user}
              </Text>
              <Button size="xs" variant="default" onClick={signOut}>
                Log out
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p={4} component="nav" aria-label="Views">
          {VIEWS.map((v) => (
            <NavLink key={v.id} href={`#/${v.id}`} label={v.label} active={view === v.id} aria-current={view === v.id ? 'page' : undefined} />
          ))}
        </AppShell.Navbar>
        <AppShell.Main>
          {view === 'status' && <StatusView />}
          {(['zones', 'vnets', 'subnets', 'controllers', 'ipams', 'dns'] as KindName[]).includes(view as KindName) && <ObjectsView key={view} kindName={view as KindName} />}
          {view === 'fabrics' && <FabricsView />}
          {view === 'ipam' && <IpamView />}
          {view === 'dryrun' && <DryRunView />}
          {view === 'events' && <EventsView />}
        </AppShell.Main>
      </AppShell>
    </SessionContext.Provider>
  );
}
