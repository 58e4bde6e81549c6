import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
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

  useEffect(() => {
    let cancelled = false;
    api
      .get<Me>('/api/auth/me')
      .then((m) => !cancelled && setMe(m))
      .catch(() => !cancelled && setMe(null)); // 401: signed out; any other failure also shows the sign-in page
    setUnauthorizedHandler(() => setMe(null));
    return () => {
      cancelled = true;
      setUnauthorizedHandler(undefined);
    };
  }, []);

  const signIn = useCallback(async (userName: string, password: string) => {
    const m = await api.post<Me>('/api/auth/login', { userName, password });
    setMe(m);
    return m;
  }, []);

  const signOut = useCallback(async () => {
    await api.post('/api/auth/logout').catch(() => undefined);
    setMe(null);
  }, []);

  return <AuthContext.Provider value={{ me, signIn, signOut }}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}
