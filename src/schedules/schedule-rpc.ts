/**
 * The schedule calls durable-cron makes (and the workflow starts of its backfills), each counted
 * on the wire into {@link ScheduleRpc.counts}. Counting lets `apply` prove what it sent (an
 * unchanged file: no create or update calls). Retries are the connection's (see grpc-retry.ts).
 */
import {
  ScheduleNotFoundError as SdkScheduleNotFoundError,
  type Client,
  type ScheduleDescription,
  type ScheduleOptions,
  type ScheduleSummary,
  type ScheduleUpdateOptions,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { countRpcs, newRpcCounts, type RpcCounts } from './rpc';

/** Page size of schedule list calls. */
export const LIST_PAGE_SIZE = 1000;

/**
 * Counted schedule calls on one client. The counts hold what was sent on a connection from
 * `connectClient` (retries included); on a connection without its interceptors they stay zero.
 */
export class ScheduleRpc {
  /** RPCs sent so far through this object, by kind. */
  readonly counts: RpcCounts = newRpcCounts();

  constructor(readonly client: Client) {}

  /** Runs `body` with the RPCs it sends added to {@link counts}: calls made outside this class. */
  counted<T>(body: () => Promise<T>): Promise<T> {
    return countRpcs(this.counts, body);
  }

  /** Every schedule matching `query` (all when undefined). */
  async list(query?: string): Promise<ScheduleSummary[]> {
    return this.counted(async () => {
      const found: ScheduleSummary[] = [];
      for await (const s of this.client.schedule.list({ query, pageSize: LIST_PAGE_SIZE })) found.push(s);
      return found;
    });
  }

  /** The schedule's description, or undefined when there is no such schedule. */
  async describe(scheduleId: string): Promise<ScheduleDescription | undefined> {
    return this.counted(async () => {
      try {
        return await this.client.schedule.getHandle(scheduleId).describe();
      } catch (err) {
        if (err instanceof SdkScheduleNotFoundError) return undefined;
        throw err;
      }
    });
  }

  /** Creates a schedule. @throws ScheduleAlreadyRunning when the id exists */
  async create(options: ScheduleOptions): Promise<void> {
    await this.counted(() => this.client.schedule.create(options));
  }

  /**
   * Replaces a schedule's definition with `fn(current)` (the SDK describes it first, so this is
   * two RPCs). @throws the SDK's ScheduleNotFoundError
   */
  async update(
    scheduleId: string,
    fn: (current: ScheduleDescription) => ScheduleUpdateOptions,
  ): Promise<void> {
    await this.counted(() => this.client.schedule.getHandle(scheduleId).update(fn));
  }

  /** Deletes a schedule; false when it did not exist. */
  async delete(scheduleId: string): Promise<boolean> {
    return this.counted(async () => {
      try {
        await this.client.schedule.getHandle(scheduleId).delete();
        return true;
      } catch (err) {
        if (err instanceof SdkScheduleNotFoundError) return false;
        throw err;
      }
    });
  }

  /** Runs one patch call (trigger, backfill, pause, unpause) on a schedule. */
  async patch(run: () => Promise<void>): Promise<void> {
    await this.counted(run);
  }

  /**
   * Starts a workflow run (a fire a backfill starts itself).
   * @throws the SDK's WorkflowExecutionAlreadyStartedError when the reuse policy refuses the id
   */
  async start(workflowType: string, options: WorkflowStartOptions): Promise<void> {
    await this.counted(() => this.client.workflow.start(workflowType, options));
  }
}
