import type { KeywordRule } from '../../drizzle/schema.ts';

/** The first keyword rule that matches the customer's text, if any; its reply is sent as written. */
export function matchRule(rules: readonly KeywordRule[], text: string): KeywordRule | undefined {
  const t = text.trim().toLowerCase();
  return rules.find((rule) => {
    const p = rule.pattern.trim().toLowerCase();
    switch (rule.match) {
      case 'equals':
        return t === p;
      case 'starts_with':
        return t.startsWith(p);
      case 'contains':
        return t.includes(p);
      case 'regex':
        return safeRegex(rule.pattern)?.test(text) ?? false;
    }
  });
}

/** Rules are validated when saved; a pattern that still fails to compile simply never matches. */
function safeRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'i');
  } catch {
    return undefined;
  }
}
