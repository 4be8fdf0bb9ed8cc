// `clean`: down, then remove data, logs, pid files and the state file. Downloaded tools
// (the cache, .tools/) stay: they are slow to fetch and hold no platform state.
import fsp from 'node:fs/promises';
import { targetCommand } from '../options.ts';
import { downCommand } from './down.ts';

export const clean = targetCommand({
  name: 'clean',
  summary: 'down, then remove data, logs, pid files and state (keeps the downloaded-tools cache)',
  async run(args, io) {
    const { s, failures } = await downCommand(args, io);
    if (failures) {
      io.err(
        'clean: some components did not stop; data left in place so nothing is deleted under a running process',
      );
      return 1;
    }
    const entries = await fsp.readdir(s.paths.platform).catch(() => [] as string[]);
    const doomed = [
      s.paths.data,
      s.paths.logs,
      s.paths.run,
      s.stateFile,
      ...entries.filter((e) => e.startsWith('state.json.')).map((e) => `${s.paths.platform}/${e}`),
    ];
    for (const p of doomed) {
      if (s.paths.cache.startsWith(p)) continue; // never delete the cache, even when it lives inside
      await fsp.rm(p, { recursive: true, force: true });
      io.out(`clean: removed ${p}`);
    }
    io.event({ type: 'clean', removed: doomed });
    return 0;
  },
});
