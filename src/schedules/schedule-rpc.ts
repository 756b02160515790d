/**
 * The schedule calls durable-cron makes (and the workflow starts of its backfills), each counted
 * and retried on transient errors. Counting lets `apply` prove what it sent (an unchanged file: no
 * create or update calls).
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
import { newRpcCounts, withRetry, type RetryOptions, type RpcCounts } from './rpc';

/** Page size of schedule list calls. */
export const LIST_PAGE_SIZE = 1000;

/** Counted, retried schedule calls on one client. */
export class ScheduleRpc {
  /** RPCs sent so far, by kind. */
  readonly counts: RpcCounts = newRpcCounts();

  constructor(
    readonly client: Client,
    private readonly retry: RetryOptions = {},
  ) {}

  /** Every schedule matching `query` (all when undefined). */
  async list(query?: string): Promise<ScheduleSummary[]> {
    return withRetry(async () => {
      const found: ScheduleSummary[] = [];
      for await (const s of this.client.schedule.list({ query, pageSize: LIST_PAGE_SIZE })) found.push(s);
      // The server returns a next-page token whenever a page is full, so this is the exact count.
      this.counts.list += Math.floor(found.length / LIST_PAGE_SIZE) + 1;
      return found;
    }, this.retry);
  }

  /** The schedule's description, or undefined when there is no such schedule. */
  async describe(scheduleId: string): Promise<ScheduleDescription | undefined> {
    return withRetry(async () => {
      this.counts.describe += 1;
      try {
        return await this.client.schedule.getHandle(scheduleId).describe();
      } catch (err) {
        if (err instanceof SdkScheduleNotFoundError) return undefined;
        throw err;
      }
    }, this.retry);
  }

  /** Creates a schedule. @throws ScheduleAlreadyRunning when the id exists */
  async create(options: ScheduleOptions): Promise<void> {
    await withRetry(async () => {
      this.counts.create += 1;
      await this.client.schedule.create(options);
    }, this.retry);
  }

  /**
   * Replaces a schedule's definition with `fn(current)` (the SDK describes it first, so this is
   * two RPCs). @throws the SDK's ScheduleNotFoundError
   */
  async update(
    scheduleId: string,
    fn: (current: ScheduleDescription) => ScheduleUpdateOptions,
  ): Promise<void> {
    await withRetry(async () => {
      this.counts.describe += 1;
      this.counts.update += 1;
      await this.client.schedule.getHandle(scheduleId).update(fn);
    }, this.retry);
  }

  /** Deletes a schedule; false when it did not exist. */
  async delete(scheduleId: string): Promise<boolean> {
    return withRetry(async () => {
      this.counts.delete += 1;
      try {
        await this.client.schedule.getHandle(scheduleId).delete();
        return true;
      } catch (err) {
        if (err instanceof SdkScheduleNotFoundError) return false;
        throw err;
      }
    }, this.retry);
  }

  /** Runs one patch call (trigger, backfill, pause, unpause) on a schedule. */
  async patch(run: () => Promise<void>): Promise<void> {
    await withRetry(async () => {
      this.counts.patch += 1;
      await run();
    }, this.retry);
  }

  /**
   * Starts a workflow run (a fire a backfill starts itself).
   * @throws the SDK's WorkflowExecutionAlreadyStartedError when the reuse policy refuses the id
   */
  async start(workflowType: string, options: WorkflowStartOptions): Promise<void> {
    await withRetry(async () => {
      this.counts.start += 1;
      await this.client.workflow.start(workflowType, options);
    }, this.retry);
  }
}
