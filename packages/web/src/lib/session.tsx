// Who is signed in. The session itself is an httpOnly cookie; the UI only knows what GET /auth/session says.
import { createContext, useContext } from 'react';
import type { Me } from './api';

export interface SessionValue {
  me: Me;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in tree');
  return value;
}
