/**
 * Reading a jobs file: YAML syntax, then the schema, collecting every problem in one pass with
 * the line it stands on.
 */
import { open } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { JobTypeRegistry } from '../job-types/registry';
import { JobsFileError, type JobsFileIssue, errorMessage } from '../errors';
import { formatBytes, jobsFileSchemaFor, type Job, type JobsFile } from './schema';
import { projectFromFileName, type ProjectSource } from './project';

/** Largest jobs file read: far above thousands of jobs, far below what parsing in memory can bear. */
export const MAX_JOBS_FILE_BYTES = 16 * 1024 * 1024;

/** A validated jobs file with what is needed to point at its lines. */
export interface LoadedJobsFile {
  /** File name used in messages. */
  readonly file: string;
  readonly jobs: JobsFile;
  /** The project owning the file's schedules: its `project:`, else derived from its file name. */
  readonly project: string;
  /** Where {@link project} came from. */
  readonly projectSource: ProjectSource;
  /** The 1-based line of the node at `path`, or of its nearest existing parent. */
  lineOf(this: void, path: readonly (string | number)[]): number | undefined;
}

/**
 * Reads and validates a jobs file.
 * @throws {JobsFileError} listing every problem (missing file, YAML syntax, schema)
 */
export async function loadJobsFile(file: string, registry: JobTypeRegistry): Promise<JobsFile> {
  return (await readJobsFile(file, registry)).jobs;
}

/**
 * Reads and validates a jobs file, keeping line information for warnings. The file is read once,
 * through one open handle: everything after works on that snapshot, even if the file changes.
 * @throws {JobsFileError} listing every problem (missing file, too large, YAML syntax, schema)
 */
export async function readJobsFile(file: string, registry: JobTypeRegistry): Promise<LoadedJobsFile> {
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_JOBS_FILE_BYTES) {
        throw new JobsFileError(file, [
          {
            file,
            path: '',
            message: `the file is ${formatBytes(size)}; the limit is ${formatBytes(MAX_JOBS_FILE_BYTES)} (split it, or move large inputs out of it)`,
          },
        ]);
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof JobsFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : errorMessage(err);
    throw new JobsFileError(file, [{ file, path: '', message: reason }]);
  }
  return parseJobsText(text, file, registry);
}

/**
 * Validates jobs-file text.
 * @param file name used in messages
 * @param registry the job types the jobs may name
 * @throws {JobsFileError} listing every problem
 */
export function parseJobsFile(text: string, file: string, registry: JobTypeRegistry): JobsFile {
  return parseJobsText(text, file, registry).jobs;
}

/**
 * Validates jobs-file text, keeping line information.
 * @param file name used in messages
 * @param registry the job types the jobs may name
 * @throws {JobsFileError} listing every problem
 */
export function parseJobsText(text: string, file: string, registry: JobTypeRegistry): LoadedJobsFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new JobsFileError(
      file,
      doc.errors.map((e) => ({
        file,
        line: lines.linePos(e.pos[0]).line,
        path: '',
        message: `invalid YAML: ${e.message.split('\n')[0] ?? e.message}`,
      })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    // The yaml library refuses documents whose aliases expand too much (a "billion laughs" file).
    throw new JobsFileError(file, [{ file, path: '', message: `invalid YAML: ${errorMessage(err)}` }]);
  }
  if (data === null || data === undefined) {
    throw new JobsFileError(file, [
      { file, line: 1, path: '', message: "the file is empty; expected 'jobs:'" },
    ]);
  }
  const result = jobsFileSchemaFor(registry).safeParse(data);
  if (!result.success) {
    const issues: JobsFileIssue[] = result.error.issues.map((issue) => {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      return {
        file,
        line: lineOf(doc, lines, path, keys[0]),
        path: formatPath(path.concat(keys.length === 1 && keys[0] ? [keys[0]] : [])),
        message: issue.message,
      };
    });
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new JobsFileError(file, issues);
  }
  // Apply each job type's defaults to its input now, so what is scheduled is what was validated.
  for (const job of result.data.jobs as Job[]) {
    const type = registry.get(job.type);
    if (type) {
      job.input = type.input.parse(job.input) as Record<string, unknown>;
      job.workflowType = type.workflowType;
    }
  }
  applyDefaults(result.data);
  const { project } = result.data;
  return {
    file,
    jobs: result.data,
    project: project ?? projectFromFileName(file),
    projectSource: project === undefined ? 'file name' : 'field',
    lineOf: (path) => lineOf(doc, lines, [...path]),
  };
}

/**
 * Fills each job's unset timezone, jitter and policies from the file's `defaults:`, so a job
 * alone says everything about its schedule (and a change of a default shows as a change of
 * every job it reaches).
 */
function applyDefaults(file: JobsFile): void {
  const d = file.defaults ?? {};
  for (const job of file.jobs) {
    job.schedule.timezone ??= d.timezone;
    job.schedule.jitter ??= d.jitter;
    job.overlap ??= d.overlap;
    job.catchupWindow ??= d.catchupWindow;
    job.pauseOnFailure ??= d.pauseOnFailure;
  }
}

/** Formats a path as `jobs[2].schedule.cron`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part),
    '',
  );
}

/** The 1-based line of the node at `path` (or of `key` inside it), or of its nearest existing parent. */
function lineOf(
  doc: Document,
  lines: LineCounter,
  path: (string | number)[],
  key?: string,
): number | undefined {
  // A mapping's own range starts at its first key; point at the line of the key naming it.
  const last = path.at(-1);
  if (key === undefined && typeof last === 'string') return lineOf(doc, lines, path.slice(0, -1), last);
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (!node || typeof node !== 'object' || !('range' in node)) continue;
    if (depth === path.length && key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      const keyNode = pair?.key as { range?: [number, number, number] } | undefined;
      if (keyNode?.range) return lines.linePos(keyNode.range[0]).line;
    }
    if (depth < path.length && !isMap(node) && !isSeq(node)) continue;
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range) return lines.linePos(range[0]).line;
  }
  return undefined;
}
