import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Edges between top-level folders (src/NAME, libs/NAME) from the static and dynamic imports of every .ts file. */
export function folderGraph(root: string, tops: readonly string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const top of tops) {
    for (const file of tsFiles(path.join(root, top))) {
      const from = folderOf(root, file);
      if (!from) continue;
      const edges = graph.get(from) ?? new Set<string>();
      graph.set(from, edges);
      for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
        if (!fileName.startsWith('.')) continue;
        const to = folderOf(root, path.resolve(path.dirname(file), fileName));
        if (to && to !== from) edges.add(to);
      }
    }
  }
  return graph;
}

/** Groups of folders that import each other, directly or through others (strongly connected, size > 1). */
export function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1) found.push(group.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** `src/results` for src/results/x/y.ts; the file itself for a file directly under src/ or libs/. */
function folderOf(root: string, file: string): string | null {
  const parts = path.relative(root, file).split(path.sep);
  if (parts.length < 2 || (parts[0] !== 'src' && parts[0] !== 'libs')) return null;
  return parts.length === 2 ? `${parts[0]}/${parts[1].replace(/\.(ts|js)$/, '')}` : `${parts[0]}/${parts[1]}`;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
  });
}
