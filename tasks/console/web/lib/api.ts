// The browser talks to the console's own server only (one origin): /api/... there.
export class ApiError extends Error {}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError(`the console's server is not answering (${(e as Error).message}); start the platform with make up`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(`${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok) {
    const b = body as { error?: string };
    throw new ApiError(b.error ?? `${path}: HTTP ${res.status}`);
  }
  return body as T;
}

export interface ConsoleInfo {
  backends: Record<string, { url: string } | { unavailable: string }>;
  links: Record<string, string>;
  target: string;
}

let info: Promise<ConsoleInfo> | undefined;
export const consoleInfo = () => (info ??= getJson<ConsoleInfo>('/api/config'));
