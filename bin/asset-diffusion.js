#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so a clean clone works without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
