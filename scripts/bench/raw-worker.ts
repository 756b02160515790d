/**
 * One process of the raw SDK baseline: a plain Temporal Worker with the baseline's workflows and
 * activities (workflows from a prebuilt bundle file) on the task queue given as JSON in argv[2]
 * (`{ address, taskQueue, bundle }`). Says `ready` over
 * IPC once it polls; exits on SIGTERM after the worker shut down.
 */
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as activities from './raw-activities';

async function main(): Promise<void> {
  const { address, taskQueue, bundle } = JSON.parse(process.argv[2] ?? '{}') as {
    address: string;
    taskQueue: string;
    bundle: string;
  };
  Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: { codePath: bundle },
    activities,
  });
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  process.send?.('ready');
  await running;
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
