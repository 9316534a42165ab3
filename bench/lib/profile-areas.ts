/**
 * Self time of a V8 .cpuprofile grouped by area of the hold path: what the sampled code is
 * (driver, HTTP framework, validation, logging, GC…) and which part of cowatch it ran for
 * (request path, command path, projector, reactors, feed), from the app frames on its stack.
 *
 *   npx tsx bench/lib/profile-areas.ts bench/profiles/CPU.….cpuprofile [fromUs toUs]
 *
 * An async continuation's stack starts at the microtask queue, so "ran for" is a lower bound:
 * e.g. parsing a query's reply is charged to the driver, whoever sent the query.
 */
import { readFile } from 'node:fs/promises';
import { formatTable } from './table.js';

interface Node {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly Node[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
  readonly startTime: number;
}

const WHAT: readonly [RegExp, string][] = [
  [
    /\/node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-[a-z]+)\//,
    'pg driver (protocol, rows)',
  ],
  [
    /\/node_modules\/(fastify|@fastify|find-my-way|light-my-request|avvio|fast-json-stringify|fast-querystring|secure-json-parse)\b/,
    'fastify (routing, hooks, serialisation)',
  ],
  [/\/node_modules\/(zod|fastify-type-provider-zod)\//, 'zod (validation, serialisation)'],
  [/\/node_modules\/(pino|pino-std-serializers|sonic-boom|@elastic)/, 'logging (pino)'],
  [/\/node_modules\/kysely\//, 'kysely (query building)'],
  [/\/node_modules\/(jose|jsonwebtoken|fast-jwt)/, 'JWT'],
  [/\/src\/projections\//, 'cowatch projections (own code)'],
  [/\/src\/(domain|commands)\//, 'cowatch domain / commands (own code)'],
  [/\/src\/eventstore\//, 'cowatch event store (own code)'],
  [/\/src\//, 'cowatch other (own code)'],
  [/^node:(internal\/)?(net|stream|streams|_http|http)/, 'node http / net / streams'],
  [/^node:/, 'node other'],
];

const FOR: readonly [RegExp, string][] = [
  [
    /\/src\/projections\/engine\/projector\.ts|\/src\/projections\/read-models/,
    'read-models projector',
  ],
  [
    /\/src\/projections\/engine\/reactor-runner\.ts|\/src\/projections\/reactors\/|\/src\/mail\//,
    'reactors (billing, mail, …)',
  ],
  [
    /\/src\/eventstore\/postgres\/postgres-subscription\.ts|postgres-rows\.ts/,
    'feed read + decode',
  ],
  [/\/src\/projections\/tracking\/|\/src\/api\/tracking\//, 'tracking'],
  [/\/src\/commands\/|\/src\/domain\/|postgres-append\.ts/, 'command path (decide, append)'],
  [/\/src\/api\//, 'request path (cowatch routes, plugins)'],
  [/\/node_modules\/(fastify|@fastify)\//, 'request path (fastify)'],
];

function classify(
  url: string,
  name: string,
  table: readonly [RegExp, string][],
): string | undefined {
  for (const [pattern, label] of table) if (pattern.test(url)) return label;
  return name.startsWith('(') ? name : undefined;
}

function otherPackage(url: string): string | undefined {
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return match ? `package ${match[1]}` : undefined;
}

async function main(): Promise<void> {
  const [file, from, to] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-areas <file.cpuprofile> [fromUs toUs]');
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const what = new Map<string, number>();
  const forWhom = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (from && to && (at < Number(from) || at > Number(to))) continue;
    const us = Math.max(0, deltas[i + 1] ?? 0);
    const leaf = byId.get(samples[i]!)!;
    total += us;
    const w =
      classify(leaf.callFrame.url, leaf.callFrame.functionName, WHAT) ??
      otherPackage(leaf.callFrame.url) ??
      (/^(writev|writeBuffer|writeUtf8String|writeLatin1String)$/.test(leaf.callFrame.functionName)
        ? 'socket writes (native)'
        : undefined) ??
      (/JSON|stringify|parse/i.test(leaf.callFrame.functionName)
        ? 'JSON (native)'
        : '(native / VM)');
    what.set(w, (what.get(w) ?? 0) + us);
    let f: string | undefined;
    for (let id: number | undefined = leaf.id; id !== undefined && !f; id = parent.get(id)) {
      const n = byId.get(id)!;
      f = classify(n.callFrame.url, '', FOR);
    }
    const label =
      f ??
      (leaf.callFrame.functionName.match(/^\((idle|garbage collector|program)\)$/)
        ? leaf.callFrame.functionName
        : 'unattributed (async continuation, native)');
    forWhom.set(label, (forWhom.get(label) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([k, us]) => [`${(us / 1000).toFixed(0)}`, `${((100 * us) / total).toFixed(1)}%`, k]);
  console.log(`${(total / 1000).toFixed(0)} ms sampled\n`);
  console.log(formatTable(['self ms', 'share', 'what runs (leaf frame)'], rows(what)));
  console.log();
  console.log(
    formatTable(
      ['self ms', 'share', 'ran for (nearest cowatch frame on the stack)'],
      rows(forWhom),
    ),
  );
}

await main();
