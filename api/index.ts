/** Vercel entry: the same Hono app as Workers and Node (vercel.json routes every path here). */
export { default } from '../functions/index.ts';
