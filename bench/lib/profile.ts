/** Summarises a V8 .cpuprofile (from --cpu-prof): self time by function and by package/file. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  if (!url) return '';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node (built-in)';
  const src = url.indexOf('reference-server/src/');
  if (src >= 0) return url.slice(src);
  return url.replace(/^file:\/\//, '');
}

export interface ProfileSummary {
  totalMs: number;
  byFunction: Array<{ name: string; ms: number; share: number }>;
  byPlace: Array<{ name: string; ms: number; share: number }>;
}

export function summarize(path: string, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const place = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') return;
    total += ms;
    const at = where(url);
    const name = `${functionName || '(anonymous)'}${at ? ` ${at}:${lineNumber + 1}` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + ms);
    const p = at ? at.replace(/:\d+$/, '') : functionName;
    place.set(p, (place.get(p) ?? 0) + ms);
  });
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, share: total ? ms / total : 0 }));
  return { totalMs: total, byFunction: rank(fn), byPlace: rank(place) };
}

export function summaryMarkdown(title: string, s: ProfileSummary): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const list = (items: ProfileSummary['byPlace']): string =>
    items.map((i) => `| ${i.name.replace(/\|/g, '\\|')} | ${pct(i.share)} |`).join('\n');
  return [
    `#### ${title} (${(s.totalMs / 1000).toFixed(1)} s of CPU, idle excluded)`,
    '',
    '| self time by package or file | share |\n| --- | --: |',
    list(s.byPlace),
    '',
    '| self time by function | share |\n| --- | --: |',
    list(s.byFunction),
  ].join('\n');
}

/** One summary per server folder under `dir`; in each, the main thread's profile is the largest. */
export function profileSummaries(dir: string): string {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const folder = join(dir, d.name);
      const [main] = readdirSync(folder)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => ({ path: join(folder, f), size: statSync(join(folder, f)).size }))
        .sort((a, b) => b.size - a.size);
      return main ? summaryMarkdown(d.name, summarize(main.path)) : `#### ${d.name}: no profile`;
    })
    .join('\n\n');
}
