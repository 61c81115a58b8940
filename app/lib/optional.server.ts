import { ApiProblem } from './problem';

/**
 * A part of a page the API may refuse (a role without access to it, a part not running yet): null
 * instead, so the rest of the page still shows. Anything else (a bug, the network) still throws.
 */
export async function optional<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ApiProblem) return null;
    throw error;
  }
}
