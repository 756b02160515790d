/**
 * The project of a jobs file: the name under which its schedules are recorded, so that files of
 * several teams or services can share one Temporal namespace and `apply --prune` of one never
 * deletes the schedules of another. A file names it with `project:`, or it is derived from the
 * file's name.
 */
import { basename } from 'node:path';

/** Project name pattern: like job ids, lowercase letters, digits and dashes, 1-63 characters. */
export const PROJECT_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The pattern as the error messages spell it. */
export const PROJECT_PATTERN_TEXT =
  '[a-z0-9][a-z0-9-]{0,62} (lowercase letters, digits, dashes; 1-63 characters)';

/** The project of a file whose name leaves nothing to derive one from. */
export const DEFAULT_PROJECT = 'default';

/** Where a file's project came from: its `project:` field, or its file name. */
export type ProjectSource = 'field' | 'file name';

/**
 * Derives a project from a jobs file's name: the base name without a `.yaml`, `.yml` or `.json`
 * extension, lowercased, every character outside [a-z0-9-] replaced by a dash, leading and
 * trailing dashes trimmed, cut to 63 characters; {@link DEFAULT_PROJECT} when nothing is left.
 * `billing_service.yaml` → `billing-service`; `/etc/jobs/Nightly Reports.yml` → `nightly-reports`.
 */
export function projectFromFileName(file: string): string {
  const name = basename(file)
    .replace(/\.(ya?ml|json)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  const trimmed = trimDashes(trimDashes(name).slice(0, 63));
  return trimmed === '' ? DEFAULT_PROJECT : trimmed;
}

function trimDashes(text: string): string {
  return text.replace(/^-+|-+$/g, '');
}
