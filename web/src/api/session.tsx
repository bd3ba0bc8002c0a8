import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, unwrap, type Schemas } from './client';

export type Session = Schemas['Session'];
interface SessionState {
  session: Session | null;
  checked: boolean;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

/** Who is signed in: asked once at start; a 401 means "show the sign-in page". */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [checked, setChecked] = useState(false);
  const accept = (s: Session | null) => { setCsrfToken(s?.csrfToken ?? null); setSession(s); setChecked(true); };

  useEffect(() => {
    unwrap(api.GET('/v1/session')).then(accept, (e: unknown) => {
      if (!(e instanceof ApiError && e.status === 401)) console.error(e);
      accept(null);
    });
  }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    accept(await unwrap(api.POST('/v1/session', { body: { email, password } })));
  }, []);
  const signOut = useCallback(async () => {
    await unwrap(api.DELETE('/v1/session')).catch(() => undefined);
    accept(null);
  }, []);
  return <SessionContext.Provider value={{ session, checked, signIn, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
