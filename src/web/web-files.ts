import { existsSync } from 'node:fs';
import path from 'node:path';

/** The page's files and their types: nothing else under web/ is served. */
export const WEB_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/**
 * The repository's web/ folder, from src/web (ts-node) or dist/src/web (the build): the page is
 * served as written, with no build step of its own.
 */
export function webRoot(): string {
  const candidates = [
    path.resolve(__dirname, '..', '..', 'web'),
    path.resolve(__dirname, '..', '..', '..', 'web'),
  ];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (!found) throw new Error(`the web page's files are missing (looked in ${candidates.join(', ')})`);
  return found;
}
