import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, withQuery } from './http';

afterEach(() => vi.unstubAllGlobals());

describe('http', () => {
  it('turns a problem response into an ApiError with its Chinese title and detail', async () => {
    vi.stubGlobal('fetch', async () =>
      new Response(JSON.stringify({ title: '状态不允许', detail: '工单当前为「已办结」，不能签收。', status: 409 }), {
        status: 409,
        headers: { 'Content-Type': 'application/problem+json' },
      }),
    );
    const error = await api.post('/api/tickets/x/sign').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(409);
    expect((error as ApiError).summary).toBe('状态不允许：工单当前为「已办结」，不能签收。');
  });

  it('explains a network failure instead of throwing a TypeError', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const error = (await api.get('/api/auth/me').catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(0);
    expect(error.summary).toContain('无法连接服务器');
  });

  it('leaves empty filters out of a query string', () => {
    expect(withQuery('/api/tickets', { state: 'Dispatched', department: '', page: 2, overdue: undefined })).toBe('/api/tickets?state=Dispatched&page=2');
  });
});
