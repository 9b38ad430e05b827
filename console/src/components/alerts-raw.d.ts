/** Vite's `?raw` import: the file's text, bundled as a string (the runbook the alerts banner shows). */
declare module '*.md?raw' {
  const text: string;
  export default text;
}
