/**
 * The built-in `http` job type: one step, `request`, that sends one HTTP request per attempt and
 * succeeds when the response has an expected status. Its effect is in `activities/http.ts`.
 */
import { z } from 'zod';
import {
  ENV_REFERENCE,
  HTTP_METHODS,
  sendHttpRequest,
  type HttpMethod,
  type HttpRequestSpec,
  type StatusRange,
} from '../../activities/http';
import { parseDuration } from '../duration';
import { byteCount, duration, strictObject } from '../jobs/zod-helpers';
import { defineJob } from './define';
import { checkStepInput } from './step-input';

/** Largest `maxResponseBytes`: a bound on what one attempt downloads (only the first 4 KiB are kept). */
export const MAX_RESPONSE_BYTES_LIMIT = 10 * 1024 * 1024;
/** Longest `timeout` of one attempt; the step's own timeout (11m) leaves a margin above it. */
export const MAX_HTTP_TIMEOUT_MS = 10 * 60_000;

/** Headers durable-cron sets itself or that only the HTTP client may set. */
const RESERVED_HEADERS = ['idempotency-key', 'host', 'content-length', 'connection', 'transfer-encoding'];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const STATUS_FORMS = 'a code (200), a class (2xx) or a range (200-299), between 100 and 599';

const method = z.preprocess(
  (v) => (typeof v === 'string' ? v.toUpperCase() : v),
  z.enum(HTTP_METHODS, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a method (valid: ${HTTP_METHODS.join(', ')})`,
  }),
);

const url = z.string({ error: 'must be an http:// or https:// URL' }).superRefine((text, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
  if (text.includes('${')) {
    return fail('${NAME} references are resolved only in header values, not in url');
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return fail(`'${text}' is not a URL: write an absolute http:// or https:// URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return fail(`'${parsed.protocol}' URLs are not supported (valid: http, https)`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    fail('must not contain credentials (user:password@): send them in a header with a ${NAME} reference');
  }
});

const headers = z
  .record(z.string(), z.string({ error: 'must be a string (quote numbers)' }), {
    error: 'must be a mapping of header names to values',
  })
  .superRefine((map, ctx) => {
    const seen = new Map<string, string>();
    for (const [name, value] of Object.entries(map)) {
      const fail = (message: string) => ctx.addIssue({ code: 'custom', path: [name], message });
      const lower = name.toLowerCase();
      if (!HEADER_NAME.test(name))
        fail(`'${name}' is not a header name (letters, digits and !#$%&'*+.^_\`|~-)`);
      else if (RESERVED_HEADERS.includes(lower)) {
        fail(
          lower === 'idempotency-key'
            ? 'Idempotency-Key is set by durable-cron: <workflowId>/request'
            : `'${name}' is set by the HTTP client and cannot be given`,
        );
      } else if (seen.has(lower)) fail(`duplicate header: '${seen.get(lower)}' is already given`);
      seen.set(lower, name);
      if (/[\r\n\0]/.test(value)) fail('must not contain a line break or NUL');
      const bad = badReference(value);
      if (bad !== undefined) {
        fail(`'${bad}' is not a reference: write \${NAME} with a name of letters, digits and underscores`);
      }
    }
  });

/** The first `${...}` of `value` that is not a well-formed reference. */
function badReference(value: string): string | undefined {
  const rest = value.replace(ENV_REFERENCE, '');
  const at = rest.indexOf('${');
  if (at < 0) return undefined;
  const end = rest.indexOf('}', at);
  return rest.slice(at, end < 0 ? undefined : end + 1);
}

const statusItem = z
  .union([z.int(), z.string()], { error: `must be ${STATUS_FORMS}` })
  .superRefine((item, ctx) => {
    if (parseStatus(item) === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(item)} is not a status: use ${STATUS_FORMS}`,
      });
    }
  });

const expectStatus = z.preprocess(
  (v) => (Array.isArray(v) ? (v as unknown[]) : [v]),
  z.array(statusItem).min(1, `must list at least one status: ${STATUS_FORMS}`),
);

/** The `http` job's `input`. */
export const httpInput = strictObject({
  /** @default GET without a body, POST with one */
  method: method.optional(),
  url,
  headers: headers.default({}),
  /** A string is sent as is; any other JSON value as JSON, with `Content-Type: application/json`. */
  body: z.json().optional(),
  expectStatus: expectStatus.default(['2xx']),
  timeout: duration({ ms: 1, label: '1ms' })
    .refine((s) => (parseDuration(s) ?? 0) <= MAX_HTTP_TIMEOUT_MS, { error: 'must be at most 10m' })
    .default('30s'),
  maxResponseBytes: byteCount(MAX_RESPONSE_BYTES_LIMIT, '10 MiB', 1024 * 1024),
}).superRefine((input, ctx) => {
  if (input.body !== undefined && (input.method === 'GET' || input.method === 'HEAD')) {
    ctx.addIssue({
      code: 'custom',
      path: ['body'],
      message: `a ${input.method} request has no body (use POST, PUT, PATCH or DELETE)`,
    });
  }
});
export type HttpInput = z.output<typeof httpInput>;

/**
 * One entry of `expectStatus` as a range.
 * @returns undefined when the entry is not a status
 */
export function parseStatus(item: number | string): StatusRange | undefined {
  const text = String(item).trim().toLowerCase();
  let range: StatusRange | undefined;
  const cls = /^([1-5])xx$/.exec(text);
  const span = /^(\d{3})\s*-\s*(\d{3})$/.exec(text);
  if (cls) range = { min: Number(cls[1]) * 100, max: Number(cls[1]) * 100 + 99 };
  else if (span) range = { min: Number(span[1]), max: Number(span[2]) };
  else if (/^\d{3}$/.test(text)) range = { min: Number(text), max: Number(text) };
  return range && range.min >= 100 && range.max <= 599 && range.min <= range.max ? range : undefined;
}

/** The request an `http` job's (validated) input describes. */
export function toHttpRequest(input: HttpInput): HttpRequestSpec {
  const json = input.body !== undefined && typeof input.body !== 'string';
  const method: HttpMethod = input.method ?? (input.body === undefined ? 'GET' : 'POST');
  const hasContentType = Object.keys(input.headers).some((h) => h.toLowerCase() === 'content-type');
  return {
    method,
    url: input.url,
    headers:
      json && !hasContentType ? { ...input.headers, 'Content-Type': 'application/json' } : input.headers,
    ...(input.body !== undefined ? { body: json ? JSON.stringify(input.body) : (input.body as string) } : {}),
    expectStatus: input.expectStatus.flatMap((s) => parseStatus(s) ?? []),
    timeoutMs: parseDuration(input.timeout) ?? 30_000,
    maxResponseBytes: input.maxResponseBytes,
  };
}

/** The built-in `http` job type. */
export const httpJobType = defineJob({
  name: 'http',
  description: 'Sends one HTTP request; retries 5xx, 429 and network errors; expects a status (default 2xx)',
  input: httpInput,
  steps: [
    {
      name: 'request',
      // Above the longest input timeout (10m): the input's `timeout` bounds each attempt.
      timeout: '11m',
      // A worker that dies mid-request is noticed within this (heartbeats are automatic).
      heartbeatTimeout: '30s',
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
      run: (args) =>
        sendHttpRequest(toHttpRequest(checkStepInput(httpInput, args.input, 'http')), args, args.deps),
    },
  ],
});
