import { html, raw } from 'hono/html';
import { PAGE_SCRIPT } from './page-script.ts';

/**
 * A single page: write, attach a file or record a voice note as a customer, and see the agent's
 * replies arrive (polled every second). `maxBytes` is MEDIA_MAX_BYTES, checked before uploading.
 */
export const playgroundPage = ({ maxBytes }: { maxBytes: number }) => html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>ia_agent playground</title>
    <style>
      * { box-sizing: border-box; }
      body { font: 15px/1.4 system-ui, sans-serif; margin: 0; background: #efeae2; min-height: 100vh; display: flex; flex-direction: column; }
      header { background: #075e54; color: #fff; padding: 10px 16px; display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; justify-content: space-between; }
      header input { width: 10em; padding: 4px 6px; border-radius: 6px; border: 0; font: inherit; }
      main { width: 100%; max-width: 720px; margin: 0 auto; padding: 16px 12px; display: flex; flex-direction: column; gap: 6px; flex: 1; }
      main:empty::before { content: 'No messages yet: write as a customer, attach a file or record a voice note.'; margin: auto; color: #667; text-align: center; max-width: 22em; }
      .msg { max-width: min(75%, 420px); padding: 6px 8px 4px; border-radius: 8px; box-shadow: 0 1px 1px #0002; overflow-wrap: anywhere; }
      .msg .text { white-space: pre-wrap; margin: 2px 2px 0; }
      .in { align-self: flex-end; background: #d9fdd3; }
      .out { align-self: flex-start; background: #fff; }
      .msg.sticker-only { background: none; box-shadow: none; }
      .photo, .video { display: block; max-width: 100%; max-height: 320px; border-radius: 6px; }
      .sticker { display: block; width: 128px; height: 128px; object-fit: contain; }
      audio { display: block; width: 260px; max-width: 100%; height: 40px; }
      .transcript { margin: 4px 2px 0; font-style: italic; color: #334; white-space: pre-wrap; }
      .transcript::before { content: 'Transcript: '; font-style: normal; color: #667; font-size: 12px; }
      .doc { display: flex; gap: 8px; align-items: center; padding: 8px; border-radius: 6px; background: #0000000d; color: inherit; text-decoration: none; }
      .doc small, .place small { display: block; color: #667; font-size: 12px; }
      .doc svg { color: #d4773b; flex: none; }
      .place { display: flex; gap: 6px; align-items: flex-start; margin: 2px; }
      .place svg { color: #008069; flex: none; }
      .note { margin: 2px; color: #667; font-style: italic; }
      .meta { font-size: 11px; color: #667; text-align: right; margin-top: 2px; }
      .composer { position: sticky; bottom: 0; background: #f0f2f5; border-top: 1px solid #0001; }
      .composer > div { max-width: 720px; margin: 0 auto; padding: 8px 12px 12px; }
      form { display: flex; gap: 8px; align-items: center; }
      form input[type='text'] { flex: 1; min-width: 0; padding: 10px 12px; border-radius: 20px; border: 1px solid #ccc; font: inherit; }
      .round { flex: none; width: 42px; height: 42px; border-radius: 50%; border: 0; display: grid; place-items: center; cursor: pointer; background: #fff; font-size: 20px; color: #54656f; }
      .round:focus-within, .round:focus-visible { outline: 2px solid #008069; }
      #record[aria-pressed='true'] { background: #d93025; color: #fff; }
      #send-button { flex: none; height: 42px; padding: 0 16px; border-radius: 21px; border: 0; background: #008069; color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
      button:disabled, .round.disabled { opacity: 0.5; cursor: progress; }
      .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
      #status, #error { margin: 0 0 6px; font-size: 13px; }
      #status:empty, #error:empty { display: none; }
      #status { color: #334; }
      #error { color: #b00020; }
      .problem { display: flex; gap: 8px; align-items: baseline; }
      #retry, #reload { flex: none; margin-left: auto; border: 1px solid #b00020; background: #fff; color: #b00020; border-radius: 14px; padding: 2px 10px; font: inherit; font-size: 13px; cursor: pointer; }
      .read { margin: 4px 2px 0; font-size: 13px; }
      .read summary { color: #008069; cursor: pointer; }
      .read p { white-space: pre-wrap; max-height: 12em; overflow: auto; margin: 4px 0 0; }
    </style>
  </head>
  <body data-max-bytes="${maxBytes}">
    <header>
      <strong>ia_agent playground</strong>
      <label>You are <input id="from" value="15550001234" aria-label="your phone number" inputmode="tel" /></label>
    </header>
    <main id="chat" aria-live="polite"></main>
    <div class="composer">
      <div>
        <p id="status" role="status"></p>
        <div class="problem"><p id="error" role="alert"></p><button id="retry" type="button" hidden>Send again</button><button id="reload" type="button" hidden>Try again</button></div>
        <form id="send">
          <label class="round" title="Attach a file (the text becomes its caption)">
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false"><path fill="currentColor" d="M16.5 6v11.5c0 2.21-1.79 4-4 4s-4-1.79-4-4V5a2.5 2.5 0 0 1 5 0v10.5c0 .55-.45 1-1 1s-1-.45-1-1V6H10v9.5a2.5 2.5 0 0 0 5 0V5c0-2.21-1.79-4-4-4S7 2.79 7 5v12.5c0 3.04 2.46 5.5 5.5 5.5s5.5-2.46 5.5-5.5V6h-1.5z" /></svg>
            <input id="file" type="file" class="visually-hidden" aria-label="Attach a file" />
          </label>
          <input id="text" type="text" autocomplete="off" placeholder="Write as a customer…" aria-label="message" required />
          <button id="record" class="round" type="button" aria-label="Record voice note" aria-pressed="false" title="Record voice note"></button>
          <button id="send-button">Send</button>
        </form>
      </div>
    </div>
    <script>
      ${raw(PAGE_SCRIPT)}
    </script>
  </body>
</html>`;
