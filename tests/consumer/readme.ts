/**
 * The README's "Use it in your game" section as files: every fenced block whose info string names
 * a path (```js src/main.js) is that file of a user's project, and the consumer test writes them
 * as they are, so the README shows exactly what the test builds and plays.
 */
import { readFileSync } from 'node:fs';

export const SECTION = '## Use it in your game';

export function readmeSection(readme = readFileSync('README.md', 'utf8')): string {
  const start = readme.indexOf(`${SECTION}\n`);
  if (start < 0) throw new Error(`README.md has no "${SECTION}" section`);
  const end = readme.indexOf('\n## ', start + SECTION.length);
  return readme.slice(start, end < 0 ? undefined : end);
}

/**
 * path -> contents of each block with a path in its info string; a variant of a path is named in
 * parentheses (```html index.html (no bundler)) and keyed `no bundler:index.html`.
 */
export function readmeFiles(section = readmeSection()): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of section.matchAll(/^```(\w+) (\S+)(?: \(([^)]+)\))?\n([\s\S]*?)^```$/gm)) {
    const key = m[3] ? `${m[3]}:${m[2]}` : m[2]!;
    if (files.has(key)) throw new Error(`README: two blocks for ${key}`);
    files.set(key, m[4]!);
  }
  return files;
}
