/**
 * The effect of the built-in `http` job type: one HTTP request per attempt. Temporal's retry policy
 * is the only retry layer, so every outcome is classified here: retryable failures (5xx, 429, 408,
 * network errors, timeouts) and non-retryable ones (other 4xx, unexpected statuses, a host the
 * worker does not allow, a missing environment variable, a response too large).
 *
 * Secrets: header values may hold `${NAME}` references, resolved from the worker's environment on
 * every attempt. Resolved values never appear in a result, a failure, or a log line.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { StepArgs } from '../src/job-types/define';
import { formatDuration } from '../src/duration';
import type { ActivityDeps } from './deps';

/** Methods the `http` job type sends. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A `${NAME}` reference to a variable of the worker's environment. */
export const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Bytes of the response body a result (or a failure) carries as text. */
export const BODY_PREVIEW_BYTES = 4 * 1024;

/** Longest `Retry-After` honoured; a longer one is shortened to this. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** An inclusive range of statuses the job expects (`200` is 200-200, `2xx` is 200-299). */
export interface StatusRange {
  readonly min: number;
  readonly max: number;
}

/** A request as the job's input resolves to it (see `src/job-types/http.ts`). */
export interface HttpRequestSpec {
  readonly method: HttpMethod;
  readonly url: string;
  /** As written in the jobs file: values may hold `${NAME}` references. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly expectStatus: readonly StatusRange[];
  /** Bound of one attempt: connecting, sending, and reading the whole response. */
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

/** What the request needs of the step's arguments. */
export type HttpStepArgs = Pick<StepArgs, 'idempotencyKey' | 'signal'>;

/** The step's result, stored in the run's history. */
export interface HttpResult {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  /** Selected response headers: `content-type`, and `location` when present. */
  readonly headers: Readonly<Record<string, string>>;
  /** The first {@link BODY_PREVIEW_BYTES} bytes of the body, as UTF-8 text. */
  readonly body: string;
  /** Size of the whole body. */
  readonly bytes: number;
  /** True when `body` is only the start of the body. */
  readonly truncated: boolean;
  readonly durationMs: number;
}

/** Time kept between the request's end and the step's own timeout, for the outcome to reach Temporal. */
const STEP_TIMEOUT_MARGIN_MS = 1000;

const SELECTED_HEADERS = ['content-type', 'location'] as const;

/**
 * Sends the request once (one attempt of the step).
 * @throws {ApplicationFailure} typed `HttpHostNotAllowed`, `EnvNotSet`, `HttpInvalidHeader`,
 *   `HttpClientError`, `HttpUnexpectedStatus`, `HttpResponseTooLarge` (non-retryable) or
 *   `HttpServerError`, `HttpTooManyRequests`, `HttpTimeout`, `HttpNetworkError` (retryable)
 */
export async function sendHttpRequest(
  spec: HttpRequestSpec,
  step: HttpStepArgs,
  deps: ActivityDeps,
): Promise<HttpResult> {
  const url = new URL(spec.url);
  if (!hostAllowed(url, deps.allowHttp ?? [])) {
    const host = url.port ? `${url.hostname}:${url.port}` : url.hostname;
    throw ApplicationFailure.nonRetryable(
      `host '${host}' is not allowed on this worker: start the worker with --allow-http ${host}`,
      'HttpHostNotAllowed',
    );
  }
  const { headers, secrets } = resolveHeaders(spec.headers, deps.env ?? process.env);
  headers['Idempotency-Key'] = step.idempotencyKey;

  const target = `${spec.method} ${url.href}`;
  const limit = attemptTimeout(spec.timeoutMs);
  const timeout = AbortSignal.timeout(limit.ms);
  const signal = AbortSignal.any([step.signal, timeout]);
  const started = performance.now();
  const aborted = (err: unknown): never => {
    if (step.signal.aborted) throw step.signal.reason ?? err;
    if (timeout.aborted) {
      throw ApplicationFailure.retryable(
        `${target}: no complete response within ${formatDuration(limit.ms)}${limit.note}`,
        'HttpTimeout',
      );
    }
    throw ApplicationFailure.retryable(
      `${target}: ${redact(networkError(err), secrets)}`,
      'HttpNetworkError',
    );
  };

  let response: Response;
  try {
    response = await fetch(url, {
      method: spec.method,
      headers,
      ...(spec.body !== undefined ? { body: spec.body } : {}),
      // Never follow: a redirect could carry the headers (and their secrets) to another host.
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    return aborted(err);
  }
  const status = response.status;
  const selected: Record<string, string> = {};
  for (const name of SELECTED_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) selected[name] = value;
  }

  if (!spec.expectStatus.some((r) => status >= r.min && status <= r.max)) {
    const body = await readBody(response, BODY_PREVIEW_BYTES).catch(() => undefined);
    if (step.signal.aborted) throw step.signal.reason ?? new Error('cancelled');
    // A server may echo the request's headers: keep the secrets out of the history.
    throw statusFailure(target, response, spec.expectStatus, redact(body?.text ?? '', secrets));
  }

  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (spec.method !== 'HEAD' && declared > spec.maxResponseBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(target, `declares ${declared} bytes`, spec.maxResponseBytes);
  }
  let body: BodyRead;
  try {
    body = await readBody(response, spec.maxResponseBytes);
  } catch (err) {
    return aborted(err);
  }
  if (body.overLimit) throw tooLarge(target, `is over ${spec.maxResponseBytes} bytes`, spec.maxResponseBytes);
  return {
    status,
    statusText: response.statusText,
    url: url.href,
    headers: selected,
    body: redact(body.text, secrets),
    bytes: body.bytes,
    truncated: body.bytes > BODY_PREVIEW_BYTES,
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * The input's timeout, or less when the step's own timeout (`steps.request.timeout`) would end the
 * attempt first: Temporal would then send the next attempt while this one still waits.
 */
function attemptTimeout(inputMs: number): { ms: number; note: string } {
  let stepMs = 0;
  try {
    stepMs = Context.current().info.startToCloseTimeoutMs;
  } catch {
    // Not in an activity (a direct call): only the input's timeout applies.
  }
  const latest = Math.max(1, stepMs - STEP_TIMEOUT_MARGIN_MS);
  return stepMs > 0 && latest < inputMs
    ? {
        ms: latest,
        note:
          ` (the step's timeout ${formatDuration(stepMs)} minus a margin: raise steps.request.timeout ` +
          `above the input's timeout ${formatDuration(inputMs)})`,
      }
    : { ms: inputMs, note: '' };
}

/**
 * Whether the worker's allow-list (`--allow-http`) lets the job call `url`'s host. An entry `host`
 * allows every port of the host, `host:port` only that port, `*` every host.
 */
export function hostAllowed(url: URL, allowList: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return allowList.some((raw) => {
    const entry = parseAllowHttpEntry(raw);
    if (!entry) return false;
    if (entry === '*') return true;
    return entry.host === hostname && (entry.port === undefined || entry.port === port);
  });
}

const ALLOW_ENTRY = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(\d{1,5}))?$/i;

/**
 * Checks an `--allow-http` entry.
 * @returns an error message, or undefined when the entry is valid
 */
export function checkAllowHttpEntry(entry: string): string | undefined {
  return parseAllowHttpEntry(entry)
    ? undefined
    : `'${entry}' is not a host: use a host name or IP address, optionally with :port (api.example.com, ` +
        `10.0.0.5:8080, [::1]:8443), or * for any host`;
}

function parseAllowHttpEntry(raw: string): '*' | { host: string; port?: number } | undefined {
  const entry = raw.trim().toLowerCase();
  if (entry === '*') return '*';
  const match = ALLOW_ENTRY.exec(entry);
  if (!match?.[1]) return undefined;
  if (match[2] === undefined) return { host: match[1] };
  const port = Number(match[2]);
  return port >= 1 && port <= 65_535 ? { host: match[1], port } : undefined;
}

/**
 * Replaces the `${NAME}` references of the header values with the worker's environment.
 * @returns the headers to send, and the values substituted (to keep them out of messages)
 * @throws {ApplicationFailure} non-retryable `EnvNotSet` naming the variable, or
 *   `HttpInvalidHeader` when a value would not be a valid header value
 */
export function resolveHeaders(
  headers: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): { headers: Record<string, string>; secrets: string[] } {
  const resolved: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [name, template] of Object.entries(headers)) {
    const used: string[] = [];
    const value = template.replace(ENV_REFERENCE, (_, variable: string) => {
      const found = env[variable];
      if (found === undefined) {
        throw ApplicationFailure.nonRetryable(
          `header '${name}' refers to \${${variable}}, which is not set in the worker's environment: ` +
            `set ${variable} where the worker runs`,
          'EnvNotSet',
        );
      }
      used.push(variable);
      if (found !== '') secrets.push(found);
      return found;
    });
    // fetch would reject such a value with a message that quotes it, secret included.
    if (/[\r\n\0]/.test(value)) {
      throw ApplicationFailure.nonRetryable(
        `header '${name}' would contain a line break or NUL` +
          (used.length > 0 ? ` (from ${used.map((v) => `\${${v}}`).join(', ')})` : ''),
        'HttpInvalidHeader',
      );
    }
    resolved[name] = value;
  }
  return { headers: resolved, secrets };
}

/**
 * Milliseconds to wait according to a `Retry-After` header (seconds or an HTTP date), at most
 * {@link MAX_RETRY_AFTER_MS}; undefined when absent or unreadable.
 */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

function statusFailure(
  target: string,
  response: Response,
  expected: readonly StatusRange[],
  bodyPreview: string,
): ApplicationFailure {
  const status = response.status;
  const answered = `${target} answered ${status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const details = [{ status, body: bodyPreview }];
  if (status === 429 || status === 408 || status >= 500) {
    const delay = retryAfterMs(response.headers.get('retry-after'));
    return ApplicationFailure.create({
      message: answered + (delay !== undefined ? ` (Retry-After: ${formatDuration(delay)})` : ''),
      type: status === 429 ? 'HttpTooManyRequests' : status === 408 ? 'HttpTimeout' : 'HttpServerError',
      details,
      ...(delay !== undefined ? { nextRetryDelay: delay } : {}),
    });
  }
  const valid = expected.map((r) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`)).join(', ');
  const location = response.headers.get('location');
  return ApplicationFailure.create({
    message:
      `${answered}; expected ${valid}` +
      (location !== null ? ` (redirects are not followed: Location: ${location})` : ''),
    type: status >= 400 ? 'HttpClientError' : 'HttpUnexpectedStatus',
    nonRetryable: true,
    details,
  });
}

function tooLarge(target: string, what: string, limit: number): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `${target}: the response body ${what}, above maxResponseBytes ${limit}`,
    'HttpResponseTooLarge',
  );
}

interface BodyRead {
  /** The first {@link BODY_PREVIEW_BYTES} bytes, as text. */
  readonly text: string;
  /** Bytes read (when over the limit, up to where reading stopped). */
  readonly bytes: number;
  readonly overLimit: boolean;
}

/** Reads the body up to `limit` bytes, stopping (and discarding the rest) past it. */
async function readBody(response: Response, limit: number): Promise<BodyRead> {
  if (!response.body) return { text: '', bytes: 0, overLimit: false };
  const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const head: Uint8Array[] = [];
  let kept = 0;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (kept < BODY_PREVIEW_BYTES) {
      const part = value.subarray(0, BODY_PREVIEW_BYTES - kept);
      head.push(part);
      kept += part.byteLength;
    }
    if (bytes > limit) {
      await reader.cancel().catch(() => {});
      return { text: decode(head), bytes, overLimit: true };
    }
  }
  return { text: decode(head), bytes, overLimit: false };
}

function decode(parts: readonly Uint8Array[]): string {
  return Buffer.concat(parts).toString('utf8');
}

/** A network error as one line: Node's fetch hides the reason in `cause`. */
function networkError(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message =
    typeof cause?.message === 'string' ? cause.message : err instanceof Error ? err.message : String(err);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}
