// Small text formats shared by the pages.
export function ago(ms: number | undefined): string {
  if (ms === undefined) return '–';
  return `${duration(Date.now() - ms)} ago`;
}

export function duration(ms: number | undefined): string {
  if (ms === undefined) return '–';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.round((s % 86400) / 3600)} h`;
}

export const mib = (b: number | undefined) => (b === undefined ? '–' : `${Math.round(b / 2 ** 20)} MiB`);
