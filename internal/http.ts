/**
 * One HTTP request with a timeout per attempt and bounded retries: what the
 * Pushgateway pusher, the Loki logger and the dbg HTTP transport share.
 *
 * @module
 */

/** Retry settings of {@linkcode fetchRetrying}. */
export interface RetryOptions {
  /** Retries after the first attempt. */
  retries: number;
  /** First retry delay, ms, doubling. */
  backoffMs: number;
  /** Timeout per attempt, ms. */
  timeoutMs: number;
  /** Statuses worth another attempt; default 5xx. */
  retryStatus?: (status: number) => boolean;
}

/** The last response, with its body read. */
export interface RetriedResponse {
  /** The HTTP status. */
  status: number;
  /** Whether the status is 2xx. */
  ok: boolean;
  /** The response body. */
  text: string;
}

/**
 * Sends `init` to `url`, retrying network errors, timeouts and retryable
 * statuses with doubling delays. Resolves the last response (ok or not);
 * rejects with the last error when no attempt got a response in the end.
 *
 * @example Usage
 * ```ts ignore
 * const res = await fetchRetrying("http://localhost:9091/metrics/job/a", { method: "PUT", body: "" },
 *   { retries: 2, backoffMs: 200, timeoutMs: 5000 });
 * res.ok;
 * ```
 */
export async function fetchRetrying(
  url: string,
  init: RequestInit,
  opts: RetryOptions,
): Promise<RetriedResponse> {
  const retryStatus = opts.retryStatus ?? ((status: number) => status >= 500);
  let delay = opts.backoffMs;
  let last: RetriedResponse | undefined;
  let lastErr: unknown;
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    if (attempt > 0) {
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs) });
      last = { status: res.status, ok: res.ok, text: await res.text() };
      lastErr = undefined;
      if (res.ok || !retryStatus(res.status)) return last;
    } catch (e) {
      last = undefined;
      lastErr = e;
    }
  }
  if (last) return last;
  throw lastErr;
}
