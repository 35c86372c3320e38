/**
 * The CLI for tests, two ways. `runCli`: in-process, `main(argv)` with stdout and stderr captured
 * and environment variables set for the call; the same code the bin shim runs, without a Node
 * start per case (~2 s each), so property tests can afford thousands of runs (not safe to call
 * concurrently). `spawnCli`: the bin shim in a child process, as a user runs it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

/** The asset-diffusion command as a user runs it: the bin shim in a child process (the one spawner of the CLI tests). */
export const BIN = fileURLToPath(new URL('../../bin/asset-diffusion.js', import.meta.url));

export interface CliResult {
  /** Exit code (1 when the process died of a signal). */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `asset-diffusion ...args`; `env` adds variables to this process's, and an undefined value removes one. */
export function spawnCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: merged, maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
      resolve({
        code: error ? ((error as { code?: number }).code ?? 1) : 0,
        signal: (error as { signal?: NodeJS.Signals } | null)?.signal ?? null,
        stdout,
        stderr,
      }),
    );
  });
}
