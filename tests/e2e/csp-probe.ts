/**
 * Loaded by csp.test.ts from the page's own origin (so the page's CSP applies, which it does not
 * to code Playwright evaluates): tries eval and new Function and reports what the policy allowed.
 */
export function probe(): string[] {
  const results: string[] = [];
  try {
    (0, eval)('1');
    results.push('eval ran');
  } catch (e) {
    results.push(`eval refused: ${(e as Error).name}`);
  }
  try {
    new Function('return 1')();
    results.push('new Function ran');
  } catch (e) {
    results.push(`new Function refused: ${(e as Error).name}`);
  }
  return results;
}
