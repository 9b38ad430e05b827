import { z } from 'zod';

/** Thrown when configuration is missing or malformed; its message names every problem, no stack. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Configuration is invalid: ${problems.join('; ')}.`);
    this.problems = problems;
  }
}

type RawEnv = Record<string, unknown>;

/**
 * Parses an environment with the schema of its mode (`MODE`, default `local`) and reports every problem
 * at once, naming each variable. Empty strings count as unset, as a blank dashboard field usually means.
 */
export function parseEnv<L extends z.ZodType, C extends z.ZodType>(
  schemas: { local: L; cloud: C },
  raw: RawEnv,
): z.output<L> | z.output<C> {
  const cleaned = Object.fromEntries(
    Object.entries(raw).filter(([, v]) => typeof v === 'string' && v.trim() !== ''),
  ) as Record<string, string>;
  // Hosted platforms default to cloud so that a forgotten MODE never runs production on local defaults.
  const hosted = Boolean(cleaned.VERCEL || cleaned.RAILWAY_ENVIRONMENT || cleaned.CF_PAGES);
  const mode = cleaned.MODE ?? (hosted ? 'cloud' : 'local');
  if (mode !== 'local' && mode !== 'cloud') {
    throw new ConfigError([`MODE must be "local" or "cloud", not "${mode}"`]);
  }
  const result = schemas[mode].safeParse({ ...cleaned, MODE: mode });
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map(describeIssue));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const name = issue.path.join('.') || 'environment';
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${name} is required`;
  if (issue.code === 'invalid_value' && issue.values.length > 0) {
    const options = issue.values.map((v) => `"${String(v)}"`);
    return `${name} must be ${options.length > 1 ? `${options.slice(0, -1).join(', ')} or ${options.at(-1)}` : options[0]}`;
  }
  return `${name} ${issue.message}`;
}

/** A URL with an http(s) scheme. */
export const httpUrl = z
  .string()
  .refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), 'must be an http(s) URL');

/** A Postgres connection string. */
export const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/\S+$/.test(v) && URL.canParse(v), 'must be a postgres:// connection string');

/** A TCP port number. */
export const port = z.coerce.number().int().min(1, 'must be a port number').max(65535, 'must be a port number');
