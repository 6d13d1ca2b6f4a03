import { createContext, useContext } from 'react';
import type { ApiClient } from './api/client';
import type { Permissions } from './auth/permissions';

export interface Session {
  api: ApiClient;
  perms: Permissions;
  user: string;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a logged-in panel');
  return s;
}
