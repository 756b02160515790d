/** The trivial workflow `bench:runs` fills visibility with: it completes in one workflow task. */

/** Completes at once. */
export async function benchNoop(): Promise<string> {
  return Promise.resolve('ok');
}
