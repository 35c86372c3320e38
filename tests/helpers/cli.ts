/** The asset-diffusion command as a user runs it: the bin shim in a child process (the one spawner of the CLI tests). */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/asset-diffusion.js', import.meta.url));

export interface CliResult {
  /** Exit code (1 when the process died of a signal). */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `asset-diffusion ...args`; `env` adds variables to this process's, and an undefined value removes one. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
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
