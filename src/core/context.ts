import type { Config } from '../config.ts';
import type { Database } from '../db/index.ts';

/** What every core service is built from. */
export interface CoreDeps {
  database: Database;
  config: Config;
}
