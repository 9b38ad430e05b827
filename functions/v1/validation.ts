import type { z } from '@hono/zod-openapi';
import { ApiError, type FieldProblem } from '../errors.ts';

const TARGET_NAMES: Record<string, string> = { json: 'body', query: 'query', param: 'path', header: 'header' };

/** Zod issues as the contract wants them: each names its field (`rules.2.pattern`, `limit`, `Idempotency-Key`). */
export function fieldProblems(error: z.ZodError, target: string): FieldProblem[] {
  return error.issues.flatMap((issue): FieldProblem[] => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: base ? `${base}.${key}` : key, message: 'is not a known field' }));
    }
    const field = base ? (target === 'header' ? headerName(base) : base) : (TARGET_NAMES[target] ?? target);
    return [{ field, message: issue.message }];
  });
}

const headerName = (h: string) => h.replace(/(^|-)([a-z])/g, (_, dash: string, ch: string) => dash + ch.toUpperCase());

/** The OpenAPIHono default hook: an invalid request becomes the contract's 400, naming the field. */
export function validationHook(result: { success: true } | { success: false; error: z.ZodError; target: string }): void {
  if (result.success) return;
  const problems = fieldProblems(result.error, result.target);
  const first = problems[0] ?? { field: TARGET_NAMES[result.target] ?? 'request', message: 'is invalid' };
  throw new ApiError('VALIDATION_FAILED', `${first.field}: ${first.message}`, {}, problems);
}
