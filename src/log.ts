/** The one logger: warnings go through here so an app (or a test) can redirect or silence them. */
export interface Logger {
  warn(message: string): void;
  info(message: string): void;
}

let current: Logger = {
  warn: (m) => console.warn(`[asset-diffusion] ${m}`),
  info: () => {},
};

export function setLogger(logger: Logger): void {
  current = logger;
}

export function logger(): Logger {
  return current;
}
