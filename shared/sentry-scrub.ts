/**
 * What may leave for Sentry, for both sides (the socket-host's image has shared/, not functions/): an
 * error's kind, where it happened and the tags we set; never a customer's words or number. Every event
 * and breadcrumb passes through here as `beforeSend` / `beforeBreadcrumb`.
 */
import type { Breadcrumb, DataCollection, ErrorEvent } from '@sentry/core';

/**
 * The SDKs' own data collection, all off (their defaults collect user info, headers, cookies, query
 * strings, bodies, database parameters and local variables): the scrubbing below is the second line.
 */
export const COLLECT_NOTHING: DataCollection = {
  userInfo: false,
  cookies: false,
  httpHeaders: false,
  httpBodies: [],
  urlQueryParams: false,
  graphQL: { document: false, variables: false },
  genAI: { inputs: false, outputs: false },
  databaseQueryData: false,
  queues: false,
  stackFrameVariables: false,
  frameContextLines: 0,
};

/** Phone numbers, WhatsApp ids (`4915112345678@s.whatsapp.net`) and other long numbers. */
const LONG_DIGITS = /\d{8,}/g;
/** Values databases and validators quote in their messages (`invalid input syntax for type uuid: "…"`). */
const QUOTED = /"[^"]*"|'[^']*'|`[^`]*`/g;
const MAX_LENGTH = 300;

/**
 * An error message as it may be sent: its first line only (Drizzle puts the query's parameters, which
 * hold message text and numbers, on the lines after it), quoted values and long digit runs replaced.
 */
export function redactText(text: string): string {
  const firstLine = text.split('\n', 1)[0] ?? '';
  return firstLine.replace(QUOTED, '"…"').replace(LONG_DIGITS, '[digits]').slice(0, MAX_LENGTH);
}

/** `beforeSend`: keeps the error's type, stack and our tags; drops request data, user and extras. */
export function scrubEvent<E extends ErrorEvent>(event: E): E {
  if (event.request) {
    const url = event.request.url?.split('?', 1)[0];
    event.request = { method: event.request.method, url: url === undefined ? undefined : redactText(url) };
  }
  delete event.user;
  delete event.extra;
  if (event.contexts) delete event.contexts.response;
  if (typeof event.message === 'string') event.message = redactText(event.message);
  if (event.logentry) event.logentry = { message: redactText(event.logentry.message ?? '') };
  for (const exception of event.exception?.values ?? []) {
    if (exception.value !== undefined) exception.value = redactText(exception.value);
    for (const frame of exception.stacktrace?.frames ?? []) delete frame.vars;
  }
  if (event.breadcrumbs) event.breadcrumbs = event.breadcrumbs.map(scrubBreadcrumb);
  return event;
}

/** `beforeBreadcrumb`: the category and a redacted message; never its data (URLs, bodies, arguments). */
export function scrubBreadcrumb(breadcrumb: Breadcrumb): Breadcrumb {
  const { data: _data, message, ...rest } = breadcrumb;
  return message === undefined ? rest : { ...rest, message: redactText(message) };
}
