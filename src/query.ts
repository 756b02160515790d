/**
 * Building Temporal visibility list filters from typed parts. Every value goes through
 * {@link quote}, so user input can never widen a query.
 */

/**
 * Quotes a value as a visibility-query string literal: backslashes and single quotes are escaped,
 * so `acme' OR customer = 'globex` stays one literal that matches nothing.
 */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Formats a date as the RFC 3339 UTC literal visibility queries compare datetimes with. */
export function quoteTime(date: Date): string {
  return quote(date.toISOString());
}

/** Joins clauses with AND, wrapping each in parentheses; empty clauses are skipped. */
export function and(...clauses: (string | undefined)[]): string {
  const parts = clauses.filter((c): c is string => c !== undefined && c.trim() !== '');
  return parts.length === 1 ? (parts[0] ?? '') : parts.map((c) => `(${c})`).join(' AND ');
}
