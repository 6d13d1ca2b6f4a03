import { Alert, Button, Group, Select, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { errorText } from '../api/client';
import { usePoll } from '../common/usePoll';
import { useSession } from '../context';
import type { ClusterStatus } from '../status/tree';

interface DryRun {
  'interfaces-diff': string;
  'frr-diff': string;
  'facts-known': boolean;
  'bundle-version': number | null;
}

const LINE_COLORS: Record<string, string> = { '+': 'var(--mantine-color-green-1)', '-': 'var(--mantine-color-red-1)', '@': 'var(--mantine-color-blue-0)' };

function Diff({ title, text }: { title: string; text: string }) {
  return (
    <section aria-label={title} style={{ marginBottom: 12 }}>
      <Title order={3} size="h5" mb={4}>
        {title}
      </Title>
      {text ? (
        <pre data-testid={`diff-${title}`} style={{ margin: 0, padding: 8, maxHeight: '60vh', overflow: 'auto', fontSize: 12, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }}>
          {text.split('\n').map((line, i) => (
            <div key={i} style={{ background: LINE_COLORS[line[0]] ?? undefined }}>
              {line || ' '}
            </div>
          ))}
        </pre>
      ) : (
        <Text size="sm" c="dimmed">
          No change.
        </Text>
      )}
    </section>
  );
}

/** Per node: the unified diff of interfaces.d/sdn and frr.conf the next apply would make. */
export function DryRunView() {
  const { api, perms } = useSession();
  const nodes = usePoll(() => api.get<ClusterStatus>('/cluster/sdn/status'), 0);
  const [node, setNode] = useState<string | null>(null);
  const [result, setResult] = useState<DryRun>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const allowed = node ? perms.can('Sys.Audit', `/nodes/${node}`) : true;
  const run = async (n: string) => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await api.get<DryRun>('/cluster/sdn/dry-run', { node: n }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <Title order={2} size="h3" mb="xs">
        Dry run
      </Title>
      <Group align="flex-end" mb="xs">
        <Select label="Node" placeholder="choose a node" searchable limit={200} data={(nodes.data?.nodes ?? []).map((n) => n.node)} value={node} onChange={(n) => (setNode(n), n && allowed && void run(n))} style={{ width: 240 }} />
        <Button onClick={() => node && void run(node)} disabled={!node || !allowed} loading={busy}>
          Refresh diff
        </Button>
        {!allowed && <Text size="sm">You need Sys.Audit on /nodes/{node} for its dry run.</Text>}
      </Group>
      {error && (
        <Alert color="red" role="alert" mb="xs">
          {error}
        </Alert>
      )}
      {result && (
        <>
          <Text size="sm" c="dimmed" mb="xs">
            Compared with {result['bundle-version'] === null ? 'nothing applied yet' : `the node's version ${result['bundle-version']}`}
            {result['facts-known'] ? '' : ' · the node has not reported its facts: rendered with defaults'}
          </Text>
          <Diff title="/etc/network/interfaces.d/sdn" text={result['interfaces-diff']} />
          <Diff title="/etc/frr/frr.conf" text={result['frr-diff']} />
        </>
      )}
    </div>
  );
}
