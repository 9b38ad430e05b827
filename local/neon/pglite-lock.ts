/**
 * One process at a time in a PGlite data folder. PGlite is PostgreSQL compiled into the process:
 * two processes on the same files (`npm run dev` and `npm run db:migrate`, or two `npm run dev`)
 * would each believe they own them, and corrupt them. Whoever opens the folder writes
 * `<folder>.lock` with its pid; whoever comes next reads it and refuses while that process lives.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type PgliteOwner = { pid: number; command: string; since: string };

export class PgliteFolderInUse extends Error {
  readonly folder: string;
  readonly owner: PgliteOwner;
  readonly lockFile: string;
  constructor(folder: string, owner: PgliteOwner, lockFile: string) {
    super(
      `the PGlite database in ${folder} is in use by ${owner.command} (pid ${owner.pid}); stop that process first ` +
        `(if no such process is running, delete ${lockFile})`,
    );
    this.name = 'PgliteFolderInUse';
    this.folder = folder;
    this.owner = owner;
    this.lockFile = lockFile;
  }
}

/**
 * Takes the folder for this process, naming it by `command` for whoever is refused; returns the
 * release. A lock left by a process that no longer runs (killed, crashed) is taken over.
 */
export function lockPgliteFolder(folder: string, command: string): () => void {
  const lockFile = `${folder.replace(/[/\\]+$/, '')}.lock`;
  const mine: PgliteOwner = { pid: process.pid, command, since: new Date().toISOString() };
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; ; attempt += 1) {
    try {
      writeFileSync(lockFile, JSON.stringify(mine), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const owner = readOwner(lockFile);
    if (owner && owner.pid !== process.pid && isRunning(owner.pid)) throw new PgliteFolderInUse(folder, owner, lockFile);
    unlinkSync(lockFile);
  }
  return () => {
    if (readOwner(lockFile)?.pid === process.pid) unlinkSync(lockFile);
  };
}

function readOwner(lockFile: string): PgliteOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(lockFile, 'utf8')) as Partial<PgliteOwner>;
    return typeof owner.pid === 'number' ? { pid: owner.pid, command: String(owner.command), since: String(owner.since) } : undefined;
  } catch {
    return undefined; // gone meanwhile, or unreadable: nobody to wait for
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
