/** Waiting for the user to stop a foreground command. */

/** Resolves on SIGINT or SIGTERM, or when `until` settles first (e.g. a server exiting by itself). */
export async function waitForStopSignal(until?: Promise<unknown>): Promise<void> {
  await new Promise<void>((done) => {
    const finish = () => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      done();
    };
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    void until?.then(finish, finish);
  });
}
