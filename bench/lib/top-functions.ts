/**
 * Prints the top self-time functions of a V8 .cpuprofile (from `node --cpu-prof`), and the
 * same time grouped by package / source file.
 *
 *   npx tsx bench/lib/top-functions.ts bench/profiles/CPU.….cpuprofile [count] [fromUs toUs]
 *
 * `fromUs toUs` restrict it to a time window on the monotonic clock the profile's timestamps
 * use (on Linux the one `process.hrtime()` reads, in µs): bench/run.ts passes each scenario's.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './paths.js';
import { formatTable } from './table.js';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** A path shortened to the repository or to `package/…` inside node_modules. */
function where(url: string): string {
  if (url === '') return '';
  let path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) path = path.slice(modules + '/node_modules/'.length);
  else if (path.startsWith(`${REPO_ROOT}/`)) path = path.slice(REPO_ROOT.length + 1);
  return path;
}

/** The package (node_modules), `node:` internals, or the repository file a frame is in. */
function group(url: string): string {
  const path = where(url);
  if (path === '') return '(native / VM)';
  if (url.includes('/node_modules/')) {
    const parts = path.split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  return path;
}

export interface TopEntry {
  readonly name: string;
  readonly location: string;
  readonly ms: number;
  readonly share: number;
}

/** A window of the profile, in µs of the monotonic clock (`process.hrtime.bigint() / 1000n`). */
export interface Window {
  readonly fromUs: number;
  readonly toUs: number;
}

/** Now on the clock the profile timestamps use, µs. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Self time by function and by group, largest first; only samples inside `window` if given. */
export function summarize(
  profile: CpuProfile,
  window?: Window,
): {
  totalMs: number;
  functions: TopEntry[];
  groups: TopEntry[];
} {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Each sample's time is the delta to the next sample (as DevTools attributes it).
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    const us = deltas[i + 1] ?? 0;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + Math.max(0, us));
  }
  let totalUs = 0;
  const functions = new Map<string, { name: string; location: string; us: number }>();
  const groups = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    totalUs += us;
    const location = frame.url ? `${where(frame.url)}:${frame.lineNumber + 1}` : '';
    const name = frame.functionName || '(anonymous)';
    const key = `${name}@${location}`;
    const entry = functions.get(key) ?? { name, location, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const g = frame.url ? group(frame.url) : name.startsWith('(') ? name : '(native / VM)';
    groups.set(g, (groups.get(g) ?? 0) + us);
  }
  const share = (us: number) => (totalUs > 0 ? us / totalUs : 0);
  return {
    totalMs: totalUs / 1000,
    functions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .map((e) => ({ name: e.name, location: e.location, ms: e.us / 1000, share: share(e.us) })),
    groups: [...groups]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, location: '', ms: us / 1000, share: share(us) })),
  };
}

/** Reads a .cpuprofile file. */
export async function readProfile(file: string): Promise<CpuProfile> {
  return JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
}

/** Sampled time that was not idle, ms: the busiest profile of a process is its main thread. */
export function busyMs(profile: CpuProfile): number {
  const { functions } = summarize(profile);
  return functions.filter((f) => f.name !== '(idle)').reduce((sum, f) => sum + f.ms, 0);
}

/** The report printed for one profile (file name or parsed), optionally for one window. */
export async function topFunctions(
  file: string,
  count = 25,
  window?: Window,
  groupCount = 15,
): Promise<string> {
  const profile = await readProfile(file);
  const { totalMs, functions, groups } = summarize(profile, window);
  const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
  const top = functions
    .slice(0, count)
    .map((e) => [e.ms.toFixed(0), pct(e.share), e.name, e.location]);
  const byGroup = groups.slice(0, groupCount).map((e) => [e.ms.toFixed(0), pct(e.share), e.name]);
  return [
    `${file}: ${(totalMs / 1000).toFixed(1)} s sampled` +
      (window ? ` in the window ${window.fromUs}–${window.toUs} µs` : ''),
    '',
    formatTable(['self ms', 'share', 'function', 'where'], top),
    '',
    formatTable(['self ms', 'share', 'package / file'], byGroup),
  ].join('\n');
}

const script = process.argv[1];
if (script && import.meta.url === pathToFileURL(script).href) {
  const [file, count, fromUs, toUs] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx bench/lib/top-functions.ts <file.cpuprofile> [count]');
    process.exit(2);
  }
  const window = fromUs && toUs ? { fromUs: Number(fromUs), toUs: Number(toUs) } : undefined;
  console.log(await topFunctions(file, count ? Number(count) : 25, window));
}
