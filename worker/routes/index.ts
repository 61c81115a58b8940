import type { App } from '../types';
import { registerDocs } from './docs';
import { registerHealth } from './health';

/** Every resource's routes, mounted in one place. */
export function registerRoutes(app: App) {
  registerHealth(app);
  registerDocs(app);
}
