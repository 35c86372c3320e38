/** The one clock of the generation path (milliseconds; `performance.now` where there is one: browsers, workers, Node). */
export const now = (): number => globalThis.performance?.now() ?? Date.now();
