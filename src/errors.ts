/**
 * Named errors. Every message says what is wrong, where, and what is valid; the CLI prints
 * `message` alone (the stack only with `--verbose`) and exits non-zero.
 */

/** Base class of every error durable-cron raises on purpose. */
export class DurableCronError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from the user: flags, configuration or arguments. */
export class UsageError extends DurableCronError {
  override readonly exitCode = 2;
}

/** One problem in a jobs file, located by path and line. */
export interface JobsFileIssue {
  readonly file: string;
  /** 1-based line, when the problem can be located in the file. */
  readonly line?: number;
  /** Dotted path into the document, e.g. `jobs[2].schedule.cron`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** Formats one issue as `FILE:LINE path: message`. */
export function formatJobsFileIssue(issue: JobsFileIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** A jobs file that cannot be used; `issues` lists every problem found in one pass. */
export class JobsFileError extends DurableCronError {
  constructor(
    readonly file: string,
    readonly issues: readonly JobsFileIssue[],
  ) {
    super(issues.map(formatJobsFileIssue).join('\n'));
  }
}

/** The Temporal server could not be reached at `address`. */
export class TemporalUnavailableError extends DurableCronError {
  constructor(
    readonly address: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach Temporal at ${address}: ${detail}`, options);
  }
}

/** The Temporal server at `address` answered but refused the credentials (API key, client cert). */
export class TemporalAuthError extends DurableCronError {
  constructor(
    readonly address: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot connect to Temporal at ${address}: ${detail}`, options);
  }
}

/** A schedule id that does not exist on the server. */
export class ScheduleNotFoundError extends DurableCronError {
  constructor(
    readonly scheduleId: string,
    readonly namespace: string,
  ) {
    super(`schedule '${scheduleId}' not found in namespace '${namespace}'`);
  }
}

/** The namespace does not exist on the server. */
export class NamespaceNotFoundError extends DurableCronError {
  constructor(
    readonly namespace: string,
    options?: { cause?: unknown },
  ) {
    super(
      `namespace '${namespace}' does not exist on this Temporal server (create it with ` +
        `\`temporal operator namespace create --namespace ${namespace}\`, or choose another with --namespace or TEMPORAL_NAMESPACE)`,
      options,
    );
  }
}

/** Custom search attributes durable-cron needs are not registered on the namespace. */
export class SearchAttributesMissingError extends DurableCronError {
  constructor(
    readonly namespace: string | undefined,
    readonly missing: readonly string[],
    options?: { cause?: unknown },
  ) {
    const where = namespace === undefined ? 'this namespace' : `namespace '${namespace}'`;
    const setup =
      namespace === undefined ? 'durable-cron setup' : `durable-cron setup --namespace ${namespace}`;
    super(
      `${where} lacks the search attribute${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} ` +
        `that durable-cron needs: run \`${setup}\` (same --address) once to register them`,
      options,
    );
  }
}

/** The jobs' database could not be opened or migrated; `where` never contains credentials. */
export class DatabaseError extends DurableCronError {
  constructor(
    readonly where: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`database ${where}: ${detail}`, options);
  }
}

/** A migration set that cannot be applied (checked before the database is touched). */
export class MigrationSetError extends DurableCronError {
  constructor(
    readonly source: string,
    detail: string,
  ) {
    super(`migration set '${source}': ${detail}`);
  }
}

/** The Temporal CLI (dev server) could not be found or built. */
export class TemporalCliError extends DurableCronError {}

/** Returns the message of any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A jobs module (`--jobs`) that cannot be loaded, or whose job types clash with others. */
export class JobModuleError extends DurableCronError {
  override readonly exitCode = 2;
  constructor(
    message: string,
    /** The module or folder, as given. */
    readonly module: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
