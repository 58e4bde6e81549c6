import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, waitFor } from '@testing-library/react';
import type { Me } from '../api/types';
import { AuthProvider, useAuth } from './AuthContext';

afterEach(() => vi.unstubAllGlobals());

const dispatcher: Me = { id: 'u1', userName: 'dispatcher', displayName: '派单员', role: 'dispatcher', roleLabel: '派单员', departmentId: null };

let signIn: ((userName: string, password: string) => Promise<Me>) | undefined;

function Probe() {
  const auth = useAuth();
  signIn = auth.signIn;
  return <span data-testid="me">{auth.me === undefined ? 'loading' : (auth.me?.userName ?? 'signed out')}</span>;
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('AuthProvider', () => {
  it('stays signed in when the first "who am I" answers 401 only after the sign-in succeeded', async () => {
    let answerWhoAmI: ((r: Response) => void) | undefined;
    vi.stubGlobal('fetch', (path: string) =>
      path === '/api/auth/me' ? new Promise<Response>((resolve) => (answerWhoAmI = resolve)) : Promise.resolve(json(200, dispatcher)),
    );
    render(
      <AuthProvider>
        <Probe />
      </AuthProvider>,
    );
    expect(screen.getByTestId('me').textContent).toBe('loading');

    await act(async () => {
      await signIn!('dispatcher', 'secret');
    });
    expect(screen.getByTestId('me').textContent).toBe('dispatcher');

    await act(async () => {
      answerWhoAmI!(json(401, { title: '未登录', status: 401 }));
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(screen.getByTestId('me').textContent).toBe('dispatcher');
  });

  it('shows the sign-in page when the first "who am I" answers 401 and nobody signed in', async () => {
    vi.stubGlobal('fetch', async () => json(401, { title: '未登录', status: 401 }));
    render(
      <AuthProvider>
        <Probe />
      </AuthProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('me').textContent).toBe('signed out'));
  });
});
