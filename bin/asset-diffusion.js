#!/usr/bin/env node
// Installed from npm, the CLI is the built JavaScript in lib/. In a clone (src/ present) it runs the
// TypeScript sources through tsx, a dev dependency, so a clean clone needs no build step.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/index.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../lib/src/cli/index.js');
}
