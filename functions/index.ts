/** Entry for Cloudflare Workers (wrangler.toml `main`) and Vercel (api/index.ts re-exports it). */
import { newApp } from './app.ts';
import { scheduled } from './retention/scheduled.ts';

// Still the Hono app (Vercel and Node use its fetch); Workers also call `scheduled` for the cron in
// wrangler.toml's [triggers] (the daily retention run, the 2-minute alert check).
export default Object.assign(newApp(), { scheduled });
