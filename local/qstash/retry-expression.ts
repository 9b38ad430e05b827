/**
 * The `Upstash-Retry-Delay` header: an arithmetic expression in milliseconds over the variable
 * `retried` (retries made so far, 0 before the first retry), e.g. `pow(2, retried) * 1000`.
 * Evaluated with a tiny recursive-descent parser; the header comes from HTTP, so never eval().
 */

type Evaluate = (retried: number) => number;

const FUNCTIONS: Record<string, { arity: number | 'variadic'; apply: (args: number[]) => number }> = {
  pow: { arity: 2, apply: ([a = 0, b = 0]) => a ** b },
  exp: { arity: 1, apply: ([a = 0]) => Math.exp(a) },
  sqrt: { arity: 1, apply: ([a = 0]) => Math.sqrt(a) },
  abs: { arity: 1, apply: ([a = 0]) => Math.abs(a) },
  floor: { arity: 1, apply: ([a = 0]) => Math.floor(a) },
  ceil: { arity: 1, apply: ([a = 0]) => Math.ceil(a) },
  round: { arity: 1, apply: ([a = 0]) => Math.round(a) },
  min: { arity: 'variadic', apply: (args) => Math.min(...args) },
  max: { arity: 'variadic', apply: (args) => Math.max(...args) },
};

const TOKEN = /\s*(?:(\d+(?:\.\d+)?(?:e[+-]?\d+)?)|([A-Za-z_]\w*)|(\*\*|[-+*/%(),]))/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match || match.index !== start) throw new Error(`unexpected character at ${start}`);
    tokens.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return tokens;
}

/** Compiles an expression; throws an Error explaining what is wrong with it. */
export function compileRetryDelay(source: string): Evaluate {
  if (source.length > 500) throw new Error('expression too long');
  const tokens = tokenize(source);
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const take = (expected?: string): string => {
    const token = tokens[position];
    if (token === undefined || (expected !== undefined && token !== expected)) {
      throw new Error(`expected ${expected ?? 'a value'} but found ${token ?? 'end of expression'}`);
    }
    position += 1;
    return token;
  };

  // expression := term (('+' | '-') term)*
  const expression = (): Evaluate => {
    let left = term();
    while (peek() === '+' || peek() === '-') {
      const op = take();
      const l = left;
      const r = term();
      left = op === '+' ? (n) => l(n) + r(n) : (n) => l(n) - r(n);
    }
    return left;
  };
  // term := unary (('*' | '/' | '%') unary)*
  const term = (): Evaluate => {
    let left = unary();
    while (peek() === '*' || peek() === '/' || peek() === '%') {
      const op = take();
      const l = left;
      const r = unary();
      left = op === '*' ? (n) => l(n) * r(n) : op === '/' ? (n) => l(n) / r(n) : (n) => l(n) % r(n);
    }
    return left;
  };
  // unary := ('-' | '+') unary | power ; power := primary ('**' unary)?
  const unary = (): Evaluate => {
    if (peek() === '-' || peek() === '+') {
      const negate = take() === '-';
      const inner = unary();
      return negate ? (n) => -inner(n) : inner;
    }
    const base = primary();
    if (peek() !== '**') return base;
    take('**');
    const exponent = unary();
    return (n) => base(n) ** exponent(n);
  };
  const primary = (): Evaluate => {
    const token = take();
    if (/^\d/.test(token)) {
      const value = Number(token);
      return () => value;
    }
    if (token === '(') {
      const inner = expression();
      take(')');
      return inner;
    }
    if (token === 'retried') return (n) => n;
    // Own properties only: `constructor` or `toString` must not resolve through the prototype.
    const fn = Object.hasOwn(FUNCTIONS, token) ? FUNCTIONS[token] : undefined;
    if (!fn) throw new Error(`unknown identifier ${token}`);
    take('(');
    const args: Evaluate[] = [expression()];
    while (peek() === ',') {
      take(',');
      args.push(expression());
    }
    take(')');
    if (fn.arity !== 'variadic' && args.length !== fn.arity) {
      throw new Error(`${token} takes ${fn.arity} argument(s), got ${args.length}`);
    }
    return (n) => fn.apply(args.map((arg) => arg(n)));
  };

  const compiled = expression();
  if (position !== tokens.length) throw new Error(`unexpected ${tokens[position]}`);
  return compiled;
}
