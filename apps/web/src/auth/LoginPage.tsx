import { Alert, Button, Center, Paper, PasswordInput, SegmentedControl, Stack, TextInput, Title, Text } from '@mantine/core';
import { useState } from 'react';
import { ApiClient, type Credentials, errorText } from '../api/client';
import { parseToken, passwordLogin } from './session';

/** User name and password (ticket) or API token. The credentials are checked by a call before the panel opens. */
export function LoginPage({ onLogin }: { onLogin: (c: Credentials) => void }) {
  const [mode, setMode] = useState<'password' | 'token'>('password');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [tokenId, setTokenId] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      let creds: Credentials;
      if (mode === 'password') {
        const at = username.lastIndexOf('@');
        creds = await passwordLogin(at > 0 ? username : `${username}@pve`, password);
      } else {
        const c = parseToken(tokenId, secret);
        if (!c) throw new Error('give the token as USER@REALM!TOKENID and its secret');
        creds = c;
        // A cheap authenticated call: a wrong token fails here, not on the first view.
        await new ApiClient(c).get('/access/permissions');
      }
      onLogin(creds);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center h="100vh" bg="var(--mantine-color-gray-0)">
      <Paper withBorder shadow="sm" p="lg" w={400}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Stack gap="sm">
            <Title order={1} size="h3">
              SDN panel
            </Title>
            <SegmentedControl
              value={mode}
              onChange={(v) => setMode(v as 'password' | 'token')}
              data={[
                { value: 'password', label: 'User and password' },
                { value: 'token', label: 'API token' },
              ]}
              aria-label="Login method"
            />
            {mode === 'password' ? (
              <>
                <TextInput label="User name" description="user@realm (realm pve when omitted)" autoComplete="username" value={username} onChange={(e) => setUsername(e.currentTarget.value)} required data-autofocus />
                <PasswordInput label="Password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required />
              </>
            ) : (
              <>
                <TextInput label="Token ID" description="USER@REALM!TOKENID (or the whole USER@REALM!TOKENID=SECRET)" value={tokenId} onChange={(e) => setTokenId(e.currentTarget.value)} required />
                <PasswordInput label="Secret" value={secret} onChange={(e) => setSecret(e.currentTarget.value)} />
              </>
            )}
            {error && (
              <Alert color="red" role="alert" title="Login failed">
                {error}
              </Alert>
            )}
            <Button type="submit" loading={busy}>
              Log in
            </Button>
            <Text size="xs" c="dimmed">
              The panel talks to this server's API only (/api2/json).
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
