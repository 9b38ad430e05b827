import { html } from 'hono/html';

/** A single page: type as a customer, see the agent's replies arrive (polled every second). */
export const playgroundPage = () => html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>ia_agent playground</title>
    <style>
      body { font: 15px/1.4 system-ui, sans-serif; margin: 0; background: #efeae2; }
      header { background: #075e54; color: #fff; padding: 12px 16px; display: flex; gap: 12px; align-items: center; }
      header input { width: 11em; }
      main { max-width: 720px; margin: 0 auto; padding: 16px; display: flex; flex-direction: column; gap: 6px; min-height: calc(100vh - 140px); }
      .msg { max-width: 75%; padding: 6px 10px; border-radius: 8px; white-space: pre-wrap; box-shadow: 0 1px 1px #0002; }
      .in { align-self: flex-end; background: #d9fdd3; }
      .out { align-self: flex-start; background: #fff; }
      .meta { font-size: 11px; color: #667; }
      form { position: sticky; bottom: 0; display: flex; gap: 8px; padding: 12px 16px; background: #f0f2f5; max-width: 720px; margin: 0 auto; }
      form input { flex: 1; padding: 10px; border-radius: 8px; border: 1px solid #ccc; }
      #error { color: #b00020; padding: 0 16px; }
    </style>
  </head>
  <body>
    <header>
      <strong>ia_agent playground</strong>
      <label>You are <input id="from" value="15550001234" aria-label="your phone number" /></label>
    </header>
    <main id="chat" aria-live="polite"></main>
    <p id="error" role="alert"></p>
    <form id="send">
      <input id="text" autocomplete="off" placeholder="Write as a customer…" aria-label="message" required />
      <button>Send</button>
    </form>
    <script>
      const chat = document.getElementById('chat');
      const error = document.getElementById('error');
      const from = () => document.getElementById('from').value.trim();
      async function refresh() {
        const res = await fetch('/playground/messages?from=' + encodeURIComponent(from()));
        if (!res.ok) return;
        const { data } = await res.json();
        chat.replaceChildren(...data.map((m) => {
          const div = document.createElement('div');
          div.className = 'msg ' + m.direction;
          div.textContent = m.text;
          const meta = document.createElement('div');
          meta.className = 'meta';
          meta.textContent = m.author + ' · ' + m.status;
          div.append(meta);
          return div;
        }));
      }
      document.getElementById('send').addEventListener('submit', async (e) => {
        e.preventDefault();
        const input = document.getElementById('text');
        const res = await fetch('/playground/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from: from(), text: input.value }),
        });
        if (res.ok) { input.value = ''; error.textContent = ''; refresh(); }
        else error.textContent = (await res.json()).error.message;
      });
      setInterval(refresh, 1000);
      refresh();
    </script>
  </body>
</html>`;
