/**
 * Field validators shared by every request the library takes (generate and level requests,
 * regenerate options, pack configs): each throws an InvalidRequestError naming the field, the
 * rule and what it got, so every entry point words the same mistake the same way.
 */
import { InvalidRequestError } from './errors.ts';

/** A value as error messages show it; long strings are cut so a hostile request cannot blow up a message (or a log). */
export const describe = (v: unknown): string =>
  typeof v === 'string'
    ? v.length > 40
      ? `${JSON.stringify(v.slice(0, 32))}... (${v.length} characters)`
      : JSON.stringify(v)
    : typeof v === 'number'
      ? String(v)
      : v === null
        ? 'null'
        : Array.isArray(v)
          ? 'an array'
          : typeof v;
export const list = (values: readonly (string | number)[]): string => values.join(', ') || '(none)';

export function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new InvalidRequestError(field, `must be an integer from ${min} to ${max} (got ${describe(value)})`);
  return value;
}

export function real(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    throw new InvalidRequestError(field, `must be a number from ${min} to ${max} (got ${describe(value)})`);
  return value;
}

export function oneOf<T extends string>(field: string, value: unknown, valid: readonly T[], context = ''): T {
  if (typeof value !== 'string' || !valid.includes(value as T))
    throw new InvalidRequestError(field, `unknown value ${describe(value)}${context}; valid values: ${list(valid)}`);
  return value as T;
}

export function object(field: string, raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidRequestError(field, `must be an object (got ${Array.isArray(raw) ? 'an array' : describe(raw)})`);
  return raw as Record<string, unknown>;
}

export function onlyFields(r: Record<string, unknown>, fields: readonly string[], prefix = ''): void {
  for (const key of Object.keys(r)) if (!fields.includes(key)) throw new InvalidRequestError(prefix + key, `unknown field; valid fields: ${fields.join(', ')}`);
}

export function boolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidRequestError(field, `must be true or false (got ${describe(value)})`);
  return value;
}

