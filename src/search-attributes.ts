/**
 * Registering durable-cron's custom search attributes on a namespace, idempotently. The dev
 * server's `--search-attribute` flags only apply when its database creates the namespace; an
 * existing database or a real cluster needs this.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { type Client, type Connection, isGrpcServiceError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { DurableCronError, SearchAttributesMissingError, errorMessage } from './errors';
import { explainServerError } from './server-errors';

export * from '../workflows/search-attributes';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/** What {@link registerSearchAttributes} did. */
export interface RegisterResult {
  readonly added: string[];
  readonly alreadyPresent: string[];
}

/**
 * The custom attributes durable-cron needs that the namespace lacks (or has with another type than
 * Keyword), read with one call that changes nothing.
 * @returns undefined when the server does not let this client list them (permission, unimplemented)
 * @throws {NamespaceNotFoundError} when the namespace does not exist
 */
export async function missingSearchAttributes(
  connection: Connection,
  namespace: string,
): Promise<string[] | undefined> {
  let custom: Record<string, unknown>;
  try {
    custom = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch (err) {
    if (
      isGrpcServiceError(err) &&
      (err.code === grpcStatus.PERMISSION_DENIED || err.code === grpcStatus.UNIMPLEMENTED)
    ) {
      return undefined;
    }
    throw explainServerError(err);
  }
  return CUSTOM_SEARCH_ATTRIBUTES.filter((key) => custom[key.name] !== KEYWORD).map((key) => key.name);
}

/**
 * Checks, without changing anything, that the namespace exists and has every custom attribute.
 * @throws {SearchAttributesMissingError} naming the missing attributes and how to add them
 * @throws {NamespaceNotFoundError} when the namespace does not exist
 */
export async function requireSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const missing = await missingSearchAttributes(connection, namespace);
  if (missing !== undefined && missing.length > 0) throw new SearchAttributesMissingError(namespace, missing);
}

/**
 * Adds the missing custom attributes (all Keyword) and waits until visibility queries accept them.
 * @throws {DurableCronError} when an attribute exists with another type, or the server refuses
 */
export async function registerSearchAttributes(
  connection: Connection,
  client: Client,
  namespace: string,
  timeoutMs = 30_000,
): Promise<RegisterResult> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const custom = existing.customAttributes ?? {};
  const added: string[] = [];
  const alreadyPresent: string[] = [];
  const missing: Record<string, typeof KEYWORD> = {};
  for (const key of CUSTOM_SEARCH_ATTRIBUTES) {
    const type = custom[key.name];
    if (type === undefined) {
      missing[key.name] = KEYWORD;
    } else if (type !== KEYWORD) {
      throw new DurableCronError(
        `search attribute '${key.name}' exists in namespace '${namespace}' with type ` +
          `${temporal.api.enums.v1.IndexedValueType[type]}; durable-cron needs Keyword`,
      );
    } else {
      alreadyPresent.push(key.name);
    }
  }
  if (Object.keys(missing).length > 0) {
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
      added.push(...Object.keys(missing));
    } catch (err) {
      // Another process may have added them meanwhile: that is success.
      if (!(isGrpcServiceError(err) && err.code === grpcStatus.ALREADY_EXISTS)) {
        throw new DurableCronError(`adding search attributes failed: ${errorMessage(err)}`, { cause: err });
      }
      alreadyPresent.push(...Object.keys(missing));
    }
  }
  await waitUntilQueryable(client, timeoutMs);
  return { added, alreadyPresent };
}

async function waitUntilQueryable(client: Client, timeoutMs: number): Promise<void> {
  const query = CUSTOM_SEARCH_ATTRIBUTES.map((key) => `${key.name} = '_'`).join(' AND ');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.workflow.count(query);
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new DurableCronError(
          `search attributes not queryable after ${timeoutMs} ms: ${errorMessage(err)}`,
          {
            cause: err,
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
