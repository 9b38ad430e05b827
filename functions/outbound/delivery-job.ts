import { z } from 'zod';

/** The queue's job for replies the socket-host could not take at once (see deliver.ts). */
export const deliveryJob = z.object({
  sessionId: z.string().min(1).max(64),
  to: z.string().min(1).max(128),
  messageIds: z.array(z.uuid()).min(1).max(50),
});

export type DeliveryJob = z.infer<typeof deliveryJob>;
