import type { Logger } from 'pino';
import type { Services } from './services.ts';

/** The one typed environment of the functions app. */
export type HonoEnv = {
  Bindings: Record<string, unknown>;
  Variables: {
    services: Services;
    log: Logger;
    requestId: string;
  };
};
