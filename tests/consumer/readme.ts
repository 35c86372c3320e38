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

/** path -> contents of each block with a path in its info string. */
export function readmeFiles(section = readmeSection()): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of section.matchAll(/^```(\w+) (\S+)\n([\s\S]*?)^```$/gm)) {
    if (files.has(m[2]!)) throw new Error(`README: two blocks for ${m[2]}`);
    files.set(m[2]!, m[3]!);
  }
  return files;
}
