/**
 * Errors from the Temporal server, explained in one place: a missing namespace or a missing
 * search attribute becomes an error that says what to do, and any other server error keeps the
 * server's reason (the SDK's `Failed to list workflows` alone hides it in `cause`).
 */
import { CUSTOM_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { credentialsProblem } from './connection-errors';
import { CodecKeysMissingError, ENCRYPTED_ENCODING } from './codec/encryption-codec';
import {
  DurableCronError,
  NamespaceNotFoundError,
  SearchAttributesMissingError,
  errorMessage,
} from './errors';

const CUSTOM_NAMES = new Set<string>(CUSTOM_SEARCH_ATTRIBUTES.map((k) => k.name));

/** The error and its causes, outermost first. */
function chain(err: unknown): unknown[] {
  const all: unknown[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && all.length < 6;) {
    all.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return all;
}

/** The gRPC reason without its `3 INVALID_ARGUMENT: ` prefix, or the message. */
function reason(err: unknown): string {
  const details = (err as { details?: unknown }).details;
  const text = typeof details === 'string' && details !== '' ? details : errorMessage(err);
  return text.replace(/^\d+ [A-Z_]+: /, '').split('\n')[0] ?? text;
}

/**
 * One line for an error from a Temporal call: the message and the reasons of its causes.
 * @example `Failed to list workflows: invalid query: ...`
 */
export function serverErrorLine(err: unknown): string {
  const parts: string[] = [];
  for (const e of chain(err)) {
    const r = reason(e);
    if (r !== '' && !parts.some((p) => p.includes(r))) parts.push(r);
  }
  return parts.join(': ');
}

/**
 * Maps an error from a Temporal call to one that says what is wrong and what to do: a
 * {@link NamespaceNotFoundError}, a {@link SearchAttributesMissingError} for one of durable-cron's
 * attributes, a refusal of the credentials (UNAUTHENTICATED, PERMISSION_DENIED) that says what to
 * check, or a {@link DurableCronError} carrying the server's reason.
 * @returns `err` itself when it is already a {@link DurableCronError}
 */
export function explainServerError(err: unknown): DurableCronError {
  if (err instanceof DurableCronError) return err;
  const refused = credentialsProblem(err);
  if (refused !== undefined) return new DurableCronError(refused, { cause: err });
  for (const e of chain(err)) {
    const namespace = (e as { namespace?: unknown }).namespace;
    if ((e as { name?: unknown }).name === 'NamespaceNotFoundError' && typeof namespace === 'string') {
      return new NamespaceNotFoundError(namespace, { cause: err });
    }
    const text = reason(e);
    // The SDK's payload converter meets an encrypted payload when no codec is configured.
    if (text.includes(`Unknown encoding: ${ENCRYPTED_ENCODING}`))
      return new CodecKeysMissingError({ cause: err });
    const notFound = /^Namespace (\S+) is not found/.exec(text);
    if (notFound?.[1]) return new NamespaceNotFoundError(notFound[1], { cause: err });
    const unmapped = /Namespace (\S+) has no mapping defined for search attribute (\w+)/.exec(text);
    if (unmapped?.[2] && CUSTOM_NAMES.has(unmapped[2])) {
      return new SearchAttributesMissingError(unmapped[1], [unmapped[2]], { cause: err });
    }
    const column = /column name '(\w+)' is not a valid search attribute/.exec(text);
    if (column?.[1] && CUSTOM_NAMES.has(column[1])) {
      return new SearchAttributesMissingError(undefined, [column[1]], { cause: err });
    }
  }
  return new DurableCronError(serverErrorLine(err), { cause: err });
}
