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
    return [{ field: fieldName(base, target), message: issue.message }];
  });
}

const fieldName = (path: string, target: string) =>
  path ? (target === 'header' ? headerName(path) : path) : (TARGET_NAMES[target] ?? target);

const headerName = (h: string) => h.replace(/(^|-)([a-z])/g, (_, dash: string, ch: string) => dash + ch.toUpperCase());

export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

/**
 * PostgreSQL text and jsonb cannot hold U+0000: a string carrying it would fail in the database with a
 * 500. Checked here, on every request's validated body, query, path and headers, so no route can forget.
 */
export function nulProblems(value: unknown, target: string, path: string[] = []): FieldProblem[] {
  const here = () => ({ field: fieldName(path.join('.'), target), message: NUL_MESSAGE });
  if (typeof value === 'string') return value.includes('\u0000') ? [here()] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => nulProblems(item, target, [...path, String(i)]));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key.includes('\u0000') ? [{ field: fieldName([...path, key].join('.'), target), message: NUL_MESSAGE }] : nulProblems(item, target, [...path, key]),
  );
}

type HookResult = ({ success: true; data: unknown } | { success: false; error: z.ZodError; data?: unknown }) & { target: string };

/** The OpenAPIHono default hook: an invalid request becomes the contract's 400, naming the field. */
export function validationHook(result: HookResult): void {
  const problems = result.success ? [] : fieldProblems(result.error, result.target);
  // On failure `data` is the raw input: a NUL is named beside the other problems, not a round trip later.
  const named = new Set(problems.map((p) => p.field));
  problems.push(...nulProblems(result.data, result.target).filter((p) => !named.has(p.field)));
  if (problems.length === 0) return;
  const first = problems[0]!;
  throw new ApiError('VALIDATION_FAILED', `${first.field}: ${first.message}`, {}, problems);
}
