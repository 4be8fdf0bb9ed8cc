// The context every phase-0 node receives: the engine's base plus the platform's pieces.
import type { BaseContext } from './engine/task.ts';
import type { Target } from './targets/target.ts';

export interface Paths {
  /** Repository root. */
  root: string;
  /** `.platform/` (override with PLATFORM_DIR, e.g. a temp dir in tests). */
  platform: string;
  /** `.platform/data/<component>` lives under here; survives `down`, removed by `clean`. */
  data: string;
  /** `.platform/logs/`. */
  logs: string;
  /** `.platform/run/`: pid files. */
  run: string;
  /** `.platform/cache/`: downloaded jars and tools. */
  cache: string;
}

export interface PlatformContext extends BaseContext {
  target: Target<PlatformContext>;
  paths: Paths;
  /** Settings from `.env` + environment (secrets redacted when printed). */
  env: Readonly<Record<string, string>>;
}
