/**
 * The free tiers ia_agent is built to fit (research notes, 2026): what each allows, and how many
 * customer messages a day that is, given what one message costs upstream.
 */
export const FREE_TIERS = {
  qstashMessagesPerDay: 1_000,
  redisCommandsPerMonth: 500_000,
  workersRequestsPerDay: 100_000,
  workersSubrequestsPerRequest: 50,
  workersCpuMsPerRequest: 10,
  neonCuHoursPerMonth: 100,
  neonStorageBytes: 0.5e9,
} as const;

export type PerMessageCost = {
  qstashMessages: number;
  redisCommands: number;
  functionInvocations: number;
  subrequestsPerRequest?: number;
  storageBytes?: number;
};

export type TierProjection = {
  tier: string;
  limit: string;
  perMessage: number | null;
  /** Customer messages a day this tier allows on its own; null when it does not depend on the count. */
  messagesPerDay: number | null;
  note?: string;
};

const perDay = (allowance: number, cost: number) => (cost > 0 ? Math.floor(allowance / cost) : null);

export function projectFreeTiers(cost: PerMessageCost) {
  const tiers: TierProjection[] = [
    { tier: 'QStash', limit: '1,000 messages/day', perMessage: cost.qstashMessages, messagesPerDay: perDay(FREE_TIERS.qstashMessagesPerDay, cost.qstashMessages) },
    {
      tier: 'Upstash Redis',
      limit: '500K commands/month',
      perMessage: cost.redisCommands,
      messagesPerDay: perDay(FREE_TIERS.redisCommandsPerMonth / 30, cost.redisCommands),
    },
    { tier: 'Workers requests', limit: '100K requests/day', perMessage: cost.functionInvocations, messagesPerDay: perDay(FREE_TIERS.workersRequestsPerDay, cost.functionInvocations) },
  ];
  if (cost.subrequestsPerRequest !== undefined) {
    tiers.push({
      tier: 'Workers subrequests',
      limit: '50 per request',
      perMessage: cost.subrequestsPerRequest,
      messagesPerDay: null,
      note: cost.subrequestsPerRequest <= FREE_TIERS.workersSubrequestsPerRequest ? 'within the limit' : 'OVER the limit',
    });
  }
  tiers.push({
    tier: 'Neon compute',
    limit: '100 CU-hours/month',
    perMessage: null,
    messagesPerDay: null,
    note: 'bound by hours awake, not by messages: at 0.25 CU that is 13.3 h/day; the compute sleeps after 5 idle minutes',
  });
  if (cost.storageBytes) {
    const total = Math.floor(FREE_TIERS.neonStorageBytes / cost.storageBytes);
    tiers.push({
      tier: 'Neon storage',
      limit: '0.5 GB',
      perMessage: cost.storageBytes,
      messagesPerDay: null,
      note: `${total.toLocaleString('en')} messages in all (${Math.floor(total / 1000)} days at 1,000/day) before old ones must go`,
    });
  }
  const counted = tiers.filter((t) => t.messagesPerDay !== null) as (TierProjection & { messagesPerDay: number })[];
  const binding = counted.reduce((a, b) => (b.messagesPerDay < a.messagesPerDay ? b : a), counted[0]!);
  return { tiers, bindsFirst: binding.tier, messagesPerDay: binding.messagesPerDay, fits1000PerDay: counted.every((t) => t.messagesPerDay >= 1000) };
}
