/**
 * One of the suite's processes (functions, socket-host, stand-ins): forked from its entry file, its
 * output appended to a log file, killed with SIGKILL as a crash would. The next instance is forked
 * ahead and waits, loaded, until it is told to start (when-told.ts), so a restart is as quick on a
 * loaded machine as on an idle one and the queue's retries are not spent waiting for module loading.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export type ChildOptions = {
  name: string;
  entry: URL;
  env: Record<string, string>;
  logFile: string;
  /** Keep the next instance forked and loaded (for the processes the suite kills). */
  warmSpare?: boolean;
  /** Messages other than the start-up ones and RPC replies (events the child reports). */
  onMessage?: (message: Record<string, unknown>, child: ChildProcess) => void;
};

type Instance = { proc: ChildProcess; loaded: Promise<void>; ready: Promise<void> };

export class SuiteProcess {
  /** Exits nobody asked for (a crash), with the log's last lines: the suite fails naming them. */
  readonly unexpectedExits: string[] = [];
  private readonly options: ChildOptions;
  private current: Instance | undefined;
  private spare: Instance | undefined;
  private running = false;
  private starts = 0;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** Instances this suite killed (or never started): their exit is no crash. */
  private readonly expectedExits = new WeakSet<ChildProcess>();

  constructor(options: ChildOptions) {
    this.options = options;
  }

  get alive(): boolean {
    const proc = this.current?.proc;
    return this.running && !!proc && proc.exitCode === null && proc.signalCode === null;
  }

  /** Starts an instance (the warm spare when there is one) and waits until it says it is ready. */
  async start(): Promise<void> {
    const instance = this.spare ?? this.fork();
    this.spare = undefined;
    await instance.loaded;
    this.starts += 1;
    this.current = instance;
    const start = this.starts;
    instance.proc.once('exit', (code, signal) => {
      this.running = false;
      for (const p of this.pending.values()) p.reject(new Error(`${this.options.name} exited`));
      this.pending.clear();
      if (!this.expectedExits.has(instance.proc)) {
        this.unexpectedExits.push(`${this.options.name} (start ${start}) exited by itself (${signal ?? code}):\n${tail(this.options.logFile)}`);
      }
    });
    instance.proc.send({ cmd: 'go' });
    await instance.ready;
    this.running = true;
    if (this.options.warmSpare) this.spare = this.fork();
  }

  /** SIGKILL: no shutdown hook runs, no lease is released, requests in flight are cut. */
  async kill(): Promise<void> {
    this.running = false;
    const proc = this.current?.proc;
    this.current = undefined;
    if (proc) await killed(proc, this.expectedExits);
  }

  /** Kills the running instance and the spare (the end of the suite). */
  async stop(): Promise<void> {
    await this.kill();
    const spare = this.spare?.proc;
    this.spare = undefined;
    if (spare) await killed(spare, this.expectedExits);
  }

  /** A request over IPC; rejects if the process is not running or dies before answering. */
  request<T>(command: Record<string, unknown>): Promise<T> {
    const proc = this.current?.proc;
    if (!this.alive || !proc) return Promise.reject(new Error(`${this.options.name} is not running`));
    const seq = this.seq++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
      proc.send({ ...command, seq });
    });
  }

  private fork(): Instance {
    const { name, entry, env, logFile } = this.options;
    const fd = openSync(logFile, 'a');
    const proc = fork(entry, { execArgv: [], env: { ...process.env, ...env }, stdio: ['ignore', fd, fd, 'ipc'] });
    closeSync(fd);
    const exitedEarly = new Promise<never>((_, reject) =>
      proc.once('exit', (code, signal) => reject(new Error(`${name} exited while starting (${signal ?? code}):\n${tail(logFile)}`))),
    );
    exitedEarly.catch(() => undefined);
    const said = (what: 'loaded' | 'ready') =>
      Promise.race([new Promise<void>((resolve) => proc.on('message', (m: Record<string, unknown>) => m[what] && resolve())), exitedEarly]);
    proc.on('message', (m: Record<string, unknown>) => {
      if (m.loaded || m.ready) return;
      if (typeof m.seq === 'number' && this.pending.has(m.seq)) {
        const p = this.pending.get(m.seq)!;
        this.pending.delete(m.seq);
        if (typeof m.error === 'string') p.reject(new Error(m.error));
        else p.resolve(m.value);
      } else this.options.onMessage?.(m, proc);
    });
    const instance = { proc, loaded: said('loaded'), ready: said('ready') };
    // A spare killed at the end never starts: its start-up promises are awaited only when used.
    instance.loaded.catch(() => undefined);
    instance.ready.catch(() => undefined);
    return instance;
  }
}

async function killed(proc: ChildProcess, expected: WeakSet<ChildProcess>): Promise<void> {
  expected.add(proc);
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
