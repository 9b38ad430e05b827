/**
 * The functions in a process of their own, so the fault suite can SIGKILL them mid-reply. Nothing
 * here but the product's own Node entry: config from FAULTS_ENV, services, the app on FAULTS_PORT.
 */
import pino from 'pino';
import { loadFunctionsConfig } from '../../shared/config/functions-config.ts';
import { startFunctions } from '../../functions/node-server.ts';
import { createServices } from '../../functions/services.ts';
import { whenTold } from './when-told.ts';

await whenTold();
const env = JSON.parse(process.env.FAULTS_ENV ?? '{}') as Record<string, string>;
const config = loadFunctionsConfig(env);
// Logs go to stdout, which the suite writes to a file per process: the evidence when a count fails.
const services = createServices(config, pino({ level: config.LOG_LEVEL, base: { side: 'functions', pid: process.pid } }));
await startFunctions({ services, port: Number(process.env.FAULTS_PORT) });
process.send?.({ ready: true });
