/**
 * The CLI in-process: `main(argv)` with stdout and stderr captured and environment variables set
 * for the call. The same code the bin shim runs, without a Node start per case (~2 s each), so
 * property tests can afford thousands of runs. Not safe to call concurrently.
 */
import { main } from '../../src/cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { log: console.log, error: console.error, warn: console.warn };
  const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const text = (parts: unknown[]) => parts.map(String).join(' ');
  console.log = (...parts: unknown[]) => void out.push(text(parts));
  console.error = (...parts: unknown[]) => void err.push(text(parts));
  console.warn = console.error;
  // commander writes --help straight to stdout.
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out.push(String(chunk).trimEnd());
    return true;
  }) as typeof process.stdout.write;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const code = await main(args);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    Object.assign(console, saved);
    process.stdout.write = write;
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The promise of a bad-input exit: code 2, exactly one stderr line naming the CLI, no stack frame. */
export function isOneLineRefusal(r: CliRun): boolean {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  return r.code === 2 && lines.length === 1 && lines[0]!.startsWith('asset-diffusion: ') && !/\n\s+at /.test(r.stderr);
}
