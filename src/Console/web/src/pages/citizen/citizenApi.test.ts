import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/http';
import { fieldErrors, keyForAttempt, newIdempotencyKey, retryAfterSeconds, submitTicket } from './citizenApi';

afterEach(() => vi.unstubAllGlobals());

function receiptFetch(calls: { url: string; init: RequestInit }[]) {
  return async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify({ id: 'x', trackingCode: 'K7M2Q9' }), { status: 201, headers: { 'Content-Type': 'application/json' } });
  };
}

describe('submitting a request', () => {
  it('keeps the Idempotency-Key while the content is unchanged and makes a new one once it changes', () => {
    const first = keyForAttempt(null, 'A');
    expect(first.key).toMatch(/^[0-9a-f]{32}$/);
    expect(keyForAttempt(first, 'A')).toBe(first);
    const changed = keyForAttempt(first, 'B');
    expect(changed.key).not.toBe(first.key);
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });

  it('sends JSON with the key when there are no files', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', receiptFetch(calls));
    const receipt = await submitTicket({ content: '路灯不亮', phone: '13812345678', anonymous: false }, [], 'key-1');
    expect(receipt.trackingCode).toBe('K7M2Q9');
    const headers = calls[0].init.headers as Record<string, string>;
    expect(calls[0].url).toBe('/api/citizen/tickets');
    expect(headers['Idempotency-Key']).toBe('key-1');
    expect(headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ content: '路灯不亮', phone: '13812345678', anonymous: false });
  });

  it('sends a multipart form with the same field names and the files as "files"', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', receiptFetch(calls));
    const photo = new File([new Uint8Array([0xff, 0xd8, 0xff])], '现场.jpg', { type: 'image/jpeg' });
    await submitTicket({ content: '路灯不亮', phone: '13812345678', title: undefined, anonymous: true }, [photo], 'key-2');
    const body = calls[0].init.body as FormData;
    const headers = calls[0].init.headers as Record<string, string>;
    expect(body).toBeInstanceOf(FormData);
    expect(headers['Content-Type']).toBeUndefined(); // the browser adds the boundary
    expect(headers['Idempotency-Key']).toBe('key-2');
    expect(body.get('content')).toBe('路灯不亮');
    expect(body.get('anonymous')).toBe('true');
    expect(body.has('title')).toBe(false);
    expect((body.getAll('files')[0] as File).name).toBe('现场.jpg');
  });
});

describe('errors', () => {
  it('reads how long a 429 asks to wait, and nothing from other errors', () => {
    expect(retryAfterSeconds(new ApiError(429, { title: '请求过于频繁', retryAfter: 42 }))).toBe(42);
    expect(retryAfterSeconds(new ApiError(429, { title: '请求过于频繁' }))).toBe(60);
    expect(retryAfterSeconds(new ApiError(404, { title: '未找到' }))).toBeNull();
    expect(retryAfterSeconds(new Error('x'))).toBeNull();
  });

  it('gives the field errors of a 400 problem only', () => {
    const invalid = new ApiError(400, { title: '请求参数有误', errors: { phone: ['手机号码或固定电话格式不正确。'] } });
    expect(fieldErrors(invalid)).toEqual({ phone: ['手机号码或固定电话格式不正确。'] });
    expect(fieldErrors(new ApiError(409, { errors: { phone: ['x'] } }))).toEqual({});
  });
});
