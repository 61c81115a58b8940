import type { z } from 'zod';
import { validationProblem, type FieldError } from './problem';

/** How field errors name a place in a body: `rules.conditions[2].op`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '');
}

/**
 * Zod issues as field errors. A value that matched no member of a union gets the issues of the
 * member it came closest to (fewest issues), so a bad operator deep in a rule tree is reported as
 * `rules.conditions[2].op` rather than as "invalid input" somewhere above it.
 */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], where: string, base: readonly PropertyKey[] = []): FieldError[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length) {
      const closest = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
      if (closest.length) return fieldErrors(closest, where, path);
    }
    return [{ field: path.length ? fieldPath(path) : where, message: issue.message }];
  });
}

/** A route's validation hook (third argument of `app.openapi`) for bodies with nested arrays and unions. */
export function preciseValidation(result: { target: string } & ({ success: true } | { success: false; error: z.ZodError })): undefined {
  if (!result.success) throw validationProblem(fieldErrors(result.error.issues, result.target));
  return undefined;
}
