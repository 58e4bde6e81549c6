// The one way the console talks to the host: JSON over fetch with the sign-in cookie, and every failure turned into an
// ApiError carrying the RFC 9457 problem the host answered (its title and detail are already in Chinese).

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Record<string, string[]>;
  [extension: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title ?? `请求失败（${status}）`);
    this.status = status;
    this.problem = problem;
  }

  /** One line for a toast: the title, the detail and the first field errors. */
  get summary(): string {
    const parts = [this.problem.title, this.problem.detail].filter((p): p is string => !!p && p.length > 0);
    const fieldErrors = Object.values(this.problem.errors ?? {}).flat();
    return [...new Set([...parts, ...fieldErrors.slice(0, 3)])].join('：') || `请求失败（${this.status}）`;
  }
}

/** Called when any request answers 401, so the shell can send the user back to the sign-in page. */
let onUnauthorized: (() => void) | undefined;
export function setUnauthorizedHandler(handler: (() => void) | undefined) {
  onUnauthorized = handler;
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

export async function request<T>(method: string, path: string, body?: unknown, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined || body instanceof FormData ? { Accept: 'application/json' } : { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
      ...init,
    });
  } catch {
    throw new ApiError(0, { title: '无法连接服务器', detail: '网络连接中断或服务器未启动，请稍后重试。' });
  }
  // The sign-in itself and the first "who am I" answer 401 as a matter of course; AuthProvider reads those answers itself.
  if (response.status === 401 && !path.startsWith('/api/auth/login') && !path.startsWith('/api/auth/me')) onUnauthorized?.();
  if (!response.ok) throw new ApiError(response.status, await readProblem(response));
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('Content-Type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

async function readProblem(response: Response): Promise<Problem> {
  try {
    const type = response.headers.get('Content-Type') ?? '';
    if (type.includes('json')) return (await response.json()) as Problem;
  } catch {
    // fall through to a generic problem
  }
  const byStatus: Record<number, string> = {
    403: '没有权限执行此操作。',
    404: '要找的内容不存在或无权查看。',
    409: '数据已被他人更新，请刷新后重试。',
    413: '提交的内容过大。',
    429: '操作过于频繁，请稍后再试。',
    503: '服务暂时不可用，请稍后再试。',
  };
  return { status: response.status, title: '请求失败', detail: byStatus[response.status] ?? `服务器返回 ${response.status}。` };
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  del: <T>(path: string) => request<T>('DELETE', path),
};
