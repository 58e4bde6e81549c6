import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { api, setUnauthorizedHandler } from '../api/http';
import type { Me } from '../api/types';

interface Auth {
  me: Me | null | undefined; // undefined while loading, null when signed out
  signIn: (userName: string, password: string) => Promise<Me>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<Auth | undefined>(undefined);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  // Counts sign-ins and sign-outs. The sign-in form is usable before the first "who am I" has answered, so on a slow
  // server that answer (401, asked with no cookie yet) could arrive after a successful sign-in and sign the person out
  // again; an answer only counts while nothing has signed in or out since it was asked.
  const generation = useRef(0);

  useEffect(() => {
    let cancelled = false;
    const asked = generation.current;
    const settle = (m: Me | null) => !cancelled && generation.current === asked && setMe(m);
    api
      .get<Me>('/api/auth/me')
      .then(settle)
      .catch(() => settle(null)); // 401: signed out; any other failure also shows the sign-in page
    setUnauthorizedHandler(() => setMe(null));
    return () => {
      cancelled = true;
      setUnauthorizedHandler(undefined);
    };
  }, []);

  const signIn = useCallback(async (userName: string, password: string) => {
    const m = await api.post<Me>('/api/auth/login', { userName, password });
    generation.current += 1;
    setMe(m);
    return m;
  }, []);

  const signOut = useCallback(async () => {
    await api.post('/api/auth/logout').catch(() => undefined);
    generation.current += 1;
    setMe(null);
  }, []);

  return <AuthContext.Provider value={{ me, signIn, signOut }}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}
