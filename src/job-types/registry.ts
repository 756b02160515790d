/**
 * The job types one worker pool (or one `validate`/`apply`) knows: durable-cron's built-in ones and
 * those loaded from the user's jobs modules (`--jobs`). The jobs file is validated against it
 * before anything is sent to Temporal, and the worker registers its workflows and activities.
 */
import type { ActivityDeps, ActivityFunction } from '../../activities/deps';
import { createStepActivities, stepsPlans, type StepsPlan } from '../../activities/steps';
import { JobModuleError } from '../errors';
import type { JobType, WorkflowRef } from './define';

export {
  defineJob,
  isJobType,
  overridableStepNames,
  type JobType,
  type JobStep,
  type StepArgs,
} from './define';

/** A job type and the module it came from (for messages). */
export interface SourcedJobType {
  readonly type: JobType;
  /** Module path, or `built-in`. */
  readonly source: string;
}

/** The job types of a worker or a jobs file check, by name. */
export class JobTypeRegistry {
  private readonly byName = new Map<string, SourcedJobType>();

  /**
   * @throws {JobModuleError} when two job types share a name, two modules export the same workflow
   *   name, or a steps job type is named like an exported workflow
   */
  constructor(types: readonly SourcedJobType[]) {
    for (const entry of types) {
      const other = this.byName.get(entry.type.name);
      if (other && other.type !== entry.type) {
        throw new JobModuleError(
          `job type '${entry.type.name}' is defined twice: in ${other.source} and in ${entry.source}`,
          entry.source,
        );
      }
      this.byName.set(entry.type.name, entry);
    }
    this.workflows();
  }

  /** The job type named `name`, if known. */
  get(name: string): JobType | undefined {
    return this.byName.get(name)?.type;
  }

  /** Where the job type named `name` came from (a module path, or `built-in`). */
  sourceOf(name: string): string | undefined {
    return this.byName.get(name)?.source;
  }

  /** Every job type, in registration order. */
  list(): JobType[] {
    return [...this.byName.values()].map((e) => e.type);
  }

  /** Names of the known job types, sorted, for messages. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /**
   * The own workflows to bundle, each export once.
   * @throws {JobModuleError} on a clash of workflow names
   */
  workflows(): WorkflowRef[] {
    const byExport = new Map<string, { ref: WorkflowRef; source: string }>();
    for (const { type, source } of this.byName.values()) {
      if (!type.workflow) continue;
      const seen = byExport.get(type.workflow.export);
      if (seen && seen.ref.module !== type.workflow.module) {
        throw new JobModuleError(
          `workflow '${type.workflow.export}' is exported by two modules: ${seen.ref.module} and ${type.workflow.module}; rename one`,
          source,
        );
      }
      byExport.set(type.workflow.export, { ref: type.workflow, source });
    }
    for (const { type, source } of this.byName.values()) {
      // A steps job type's runs have its name as workflow type; a named workflow would take them.
      if (!type.workflow && byExport.has(type.name)) {
        throw new JobModuleError(
          `job type '${type.name}' (${source}) has the name of the workflow exported by ${byExport.get(type.name)?.ref.module}; rename one`,
          source,
        );
      }
    }
    return [...byExport.values()].map((e) => e.ref);
  }

  /**
   * The plans (steps and policies) of the steps job types, by job type name: what the worker's
   * bundle carries for the generic workflow (workflows/run-steps.ts).
   */
  plans(): StepsPlan[] {
    return stepsPlans(this.list()).sort((a, b) =>
      a.jobType < b.jobType ? -1 : a.jobType > b.jobType ? 1 : 0,
    );
  }

  /**
   * Every activity the worker registers: each own-workflow job type's (a factory shared by several
   * job types is called once), and each steps job type's steps and compensations.
   * @throws {JobModuleError} when two job types define an activity of the same name
   */
  activities(deps: ActivityDeps): Record<string, ActivityFunction> {
    const all: Record<string, ActivityFunction> = {};
    const owner = new Map<string, string>();
    const add = (activities: Record<string, ActivityFunction>, source: string) => {
      for (const [name, fn] of Object.entries(activities)) {
        const first = owner.get(name);
        if (first !== undefined && first !== source) {
          throw new JobModuleError(`activity '${name}' is defined by ${first} and by ${source}`, source);
        }
        owner.set(name, source);
        all[name] = fn;
      }
    };
    const called = new Set<JobType['activities']>();
    for (const { type, source } of this.byName.values()) {
      if (!type.workflow || called.has(type.activities)) continue;
      called.add(type.activities);
      add(type.activities(deps), source);
    }
    add(createStepActivities(this.list(), deps), 'durable-cron');
    return all;
  }
}
