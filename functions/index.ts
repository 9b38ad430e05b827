/** Entry for Cloudflare Workers (wrangler.toml `main`) and Vercel (api/index.ts re-exports it). */
import { newApp } from './app.ts';

export default newApp();
