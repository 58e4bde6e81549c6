import { ApiError, request } from '../../../api/http';

/**
 * Downloads an export as a file. The export is fetched (with the sign-in cookie) rather than opened as a link, so a refusal
 * arrives as an ApiError the page can show in Chinese instead of a raw error page.
 */
export async function downloadExport(path: string, fileName: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { title: '无法连接服务器', detail: '网络连接中断或服务器未启动，请稍后重试。' });
  }
  if (!response.ok) {
    let problem = { title: '导出失败', detail: `服务器返回 ${response.status}。` } as ApiError['problem'];
    try {
      if ((response.headers.get('Content-Type') ?? '').includes('json')) problem = await response.json();
    } catch {
      // keep the generic problem
    }
    throw new ApiError(response.status, problem);
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The content type an import endpoint wants for a file, judged by its name: CSV or JSON Lines. */
export function tabularContentType(fileName: string): string {
  return fileName.toLowerCase().endsWith('.csv') ? 'text/csv' : 'application/x-ndjson';
}

/** Sends a file's bytes as the request body with the given content type; the answer is JSON. */
export function uploadFile<T>(path: string, file: Blob, contentType: string): Promise<T> {
  return request<T>('POST', path, undefined, {
    body: file,
    headers: { 'Content-Type': contentType, Accept: 'application/json' },
  });
}

/** The line errors of a refused import (`errors.lines`, or any other field), for a list under the alert. */
export function importErrors(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  return Object.values(error.problem.errors ?? {}).flat().map(String);
}
