/** The raw SDK baseline's activities. */
import { recordActivityStart } from './lag-record';

/** Returns its argument. */
export function noop(value: string): Promise<string> {
  return Promise.resolve(value);
}

/** Records its start for the fire lag benchmark. */
export function lagNoop(): Promise<void> {
  recordActivityStart();
  return Promise.resolve();
}
