/**
 * Kept for spec-model.ts only, until its import moves to the duration module (src/duration.ts),
 * where msOf lives now.
 */
export { msOf } from '../duration';
