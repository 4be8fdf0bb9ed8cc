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

/** An answer's status and text; throws only when the console's server cannot be reached. */
export async function fetchText(path: string, signal: AbortSignal): Promise<{ status: number; text: string }> {
  let res: Response;
  try {
    res = await fetch(path, { signal });
  } catch (e) {
    if (signal.aborted) throw e;
    throw new ApiError(
      `the console's server is not answering (${(e as Error).message}); start the platform with make up`,
    );
  }
  return { status: res.status, text: await res.text() };
}

/** The one line of a failed answer: the console's own `{error}`, a backend's JSON errors, or its text. */
export function failure(path: string, status: number, text: string): ApiError {
  try {
    const b = JSON.parse(text) as { error?: string; errors?: { msg: string }[] };
    if (b.error) return new ApiError(b.error);
    if (b.errors?.length) return new ApiError(b.errors.map((e) => e.msg).join('; '));
  } catch {
    // not JSON: the store's own plain-text error, kept as is
  }
  return new ApiError(`${path}: HTTP ${status}: ${text.slice(0, 200)}`);
}

/** A text answer (LogsQL answers JSON lines). */
export async function getText(path: string, signal: AbortSignal): Promise<string> {
  const r = await fetchText(path, signal);
  if (r.status >= 400) throw failure(path, r.status, r.text);
  return r.text;
}
