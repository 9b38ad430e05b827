/**
 * GET /v1/alerts once a minute while the tab is visible, and at once when it comes back: alerts are
 * checked every 2 minutes server-side, so a faster poll would show nothing sooner. One Workers request
 * and one Redis read a minute (the API reads the alerts' Redis copy, not the database): 1,440 requests
 * for a console open all day, against Workers' 100,000.
 */
export const ALERTS_POLL_MS = 60_000;
