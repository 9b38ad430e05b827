/**
 * Section 9 of the bench alone (`npm run bench -- console`): the console's first-load size and the time
 * to a signed-in Inbox, on the test stack (real functions, socket-host, queue, PostgreSQL and Redis, a
 * fake WhatsApp socket) with one conversation in it. Prints the section as `npm run bench` does.
 */
import { eventually, startPipelineStack } from '../test-support/pipeline-stack.ts';
import { measureConsoleSize, measureTimeToInbox } from './lib/console-load.ts';
import { consoleLines } from './lib/report.ts';

const runs = Number(process.env.BENCH_CONSOLE_RUNS ?? 5);
const t = await startPipelineStack({ reply: () => 'Yes, we deliver.' });
try {
  await t.customerWrites('5511900001111', 'Do you deliver today?');
  await eventually(async () => (await (await t.api('/v1/conversations')).json()).data.length > 0, 'a conversation');
  const result = { size: await measureConsoleSize(), timeToInbox: await measureTimeToInbox(t.stack.urls.functions, t.adminKey, runs) };
  console.log(['', ...consoleLines(result), ''].join('\n'));
} finally {
  await t.stop();
}
process.exit(0);
