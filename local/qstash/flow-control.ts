/**
 * QStash's flow control: `Upstash-Flow-Control-Key` names a bucket shared by every message that
 * carries it, `Upstash-Flow-Control-Value: parallelism=5, rate=10, period=1m` bounds it. At most
 * `parallelism` deliveries of a key are in flight, and at most `rate` start per `period` (default
 * one second); the others wait, they are never refused. The newest message's values configure the
 * key, as in QStash ("the system updates the configuration based on incoming messages").
 */
import { parseDuration } from './durations.ts';

export interface FlowControl {
  key: string;
  parallelism?: number;
  rate?: number;
  periodMs: number;
}

const DEFAULT_PERIOD_MS = 1_000;

/** The two headers as a FlowControl, or the reason to answer 400; neither header gives undefined. */
export function parseFlowControl(key: string | null, value: string | null): FlowControl | { error: string } | undefined {
  if (key === null && value === null) return undefined;
  if (key === null || key.trim() === '') return { error: 'Upstash-Flow-Control-Value needs an Upstash-Flow-Control-Key' };
  if (value === null || value.trim() === '') {
    return { error: 'Upstash-Flow-Control-Key needs an Upstash-Flow-Control-Value such as "parallelism=5, rate=10, period=1m"' };
  }
  const flow: FlowControl = { key: key.trim(), periodMs: DEFAULT_PERIOD_MS };
  for (const part of value.split(',')) {
    const [rawName = '', rawAmount = '', ...extra] = part.split('=').map((s) => s.trim());
    const name = rawName.toLowerCase();
    const invalid = { error: `invalid Upstash-Flow-Control-Value: ${value}` };
    if (extra.length > 0) return invalid;
    if (name === 'parallelism' || name === 'rate' || name === 'ratepersecond') {
      if (!/^\d+$/.test(rawAmount) || Number(rawAmount) < 1) return invalid;
      if (name === 'parallelism') flow.parallelism = Number(rawAmount);
      else flow.rate = Number(rawAmount);
    } else if (name === 'period') {
      // The SDK sends a number of seconds as "<n>s"; a bare number means seconds too.
      const ms = /^\d+$/.test(rawAmount) ? Number(rawAmount) * 1000 : parseDuration(rawAmount);
      if (!ms) return invalid;
      flow.periodMs = ms;
    } else {
      return invalid;
    }
  }
  if (flow.parallelism === undefined && flow.rate === undefined) {
    return { error: `Upstash-Flow-Control-Value needs parallelism or rate: ${value}` };
  }
  return flow;
}

interface KeyState {
  config: Omit<FlowControl, 'key'>;
  active: number;
  windowStart: number;
  windowCount: number;
}

/** What GET /v2/flowControl/{key} returns (the SDK's FlowControlInfo). */
export interface FlowControlInfo {
  flowControlKey: string;
  waitListSize: number;
  parallelismMax: number;
  parallelismCount: number;
  rateMax: number;
  rateCount: number;
  ratePeriod: number;
  ratePeriodStart: number;
  isPaused: boolean;
  isPinnedParallelism: boolean;
  isPinnedRate: boolean;
}

export type FlowLimiter = ReturnType<typeof createFlowLimiter>;

export function createFlowLimiter() {
  const keys = new Map<string, KeyState>();

  const stateOf = (key: string): KeyState | undefined => keys.get(key);

  return {
    /** A newly accepted (or reloaded) message's values become its key's configuration. */
    configure({ key, ...config }: FlowControl): void {
      const state = keys.get(key);
      if (state) state.config = config;
      else keys.set(key, { config, active: 0, windowStart: 0, windowCount: 0 });
    },

    /** 0 when a delivery of `key` may start now; else ms until the rate window ends, or Infinity while at parallelism. */
    wait(key: string, now: number): number {
      const state = stateOf(key);
      if (!state) return 0;
      const { parallelism, rate, periodMs } = state.config;
      if (parallelism !== undefined && state.active >= parallelism) return Number.POSITIVE_INFINITY;
      if (rate !== undefined && now < state.windowStart + periodMs && state.windowCount >= rate) {
        return state.windowStart + periodMs - now;
      }
      return 0;
    },

    started(key: string, now: number): void {
      const state = stateOf(key);
      if (!state) return;
      state.active += 1;
      if (now >= state.windowStart + state.config.periodMs) {
        state.windowStart = now;
        state.windowCount = 0;
      }
      state.windowCount += 1;
    },

    finished(key: string): void {
      const state = stateOf(key);
      if (state) state.active = Math.max(0, state.active - 1);
    },

    info(key: string, waitListSize: number, now: number): FlowControlInfo | undefined {
      const state = stateOf(key);
      if (!state) return undefined;
      const inWindow = now < state.windowStart + state.config.periodMs;
      return {
        flowControlKey: key,
        waitListSize,
        parallelismMax: state.config.parallelism ?? 0,
        parallelismCount: state.active,
        rateMax: state.config.rate ?? 0,
        rateCount: inWindow ? state.windowCount : 0,
        ratePeriod: Math.round(state.config.periodMs / 1000),
        ratePeriodStart: inWindow ? Math.floor(state.windowStart / 1000) : 0,
        isPaused: false,
        isPinnedParallelism: false,
        isPinnedRate: false,
      };
    },
  };
}
