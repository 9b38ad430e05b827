/** The API key lives in sessionStorage only: it is gone when the tab closes, and never sent elsewhere. */
const KEY = 'ia_agent.apiKey';

export function readKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function saveKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY);
}
