/**
 * The playground page's script (plain browser JavaScript, no build step): sends text, files and
 * voice notes to POST /playground/messages and shows the conversation from GET /playground/messages.
 * Kept free of template literals so it can live in this string.
 */
export const PAGE_SCRIPT = String.raw`
const chat = document.getElementById('chat');
const statusLine = document.getElementById('status');
const errorLine = document.getElementById('error');
const textBox = document.getElementById('text');
const fileInput = document.getElementById('file');
const recordButton = document.getElementById('record');
const controls = [document.getElementById('send-button'), fileInput, recordButton, document.getElementById('retry')];
const MAX_BYTES = Number(document.body.dataset.maxBytes);
// Material Design icons (Apache 2.0), drawn inline so they look the same without an emoji font.
const icon = (d) => '<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false"><path fill="currentColor" d="' + d + '"/></svg>';
const ICONS = {
  mic: icon('M12 14c1.66 0 2.99-1.34 2.99-3L15 5c0-1.66-1.34-3-3-3S9 3.34 9 5v6c0 1.66 1.34 3 3 3zm5.3-3c0 3-2.54 5.1-5.3 5.1S6.7 14 6.7 11H5c0 3.41 2.72 6.23 6 6.72V21h2v-3.28c3.28-.48 6-3.3 6-6.72h-1.7z'),
  stop: icon('M6 6h12v12H6z'),
  doc: icon('M14 2H6c-1.1 0-2 .9-2 2v16c0 1.1.9 2 2 2h12c1.1 0 2-.9 2-2V8l-6-6zm-1 7V3.5L18.5 9H13z'),
  pin: icon('M12 2C8.13 2 5 5.13 5 9c0 5.25 7 13 7 13s7-7.75 7-13c0-3.87-3.13-7-7-7zm0 9.5a2.5 2.5 0 0 1 0-5 2.5 2.5 0 0 1 0 5z'),
  person: icon('M12 12c2.21 0 4-1.79 4-4s-1.79-4-4-4-4 1.79-4 4 1.79 4 4 4zm0 2c-2.67 0-8 1.34-8 4v2h16v-2c0-2.66-5.33-4-8-4z'),
};
const from = () => document.getElementById('from').value.trim();

const sizeText = (n) => n >= 1048576 ? (n / 1048576).toFixed(1).replace(/\.0$/, '') + ' MB' : n >= 1024 ? Math.round(n / 1024) + ' KB' : n + ' bytes';
function el(tag, props, ...children) { const e = Object.assign(document.createElement(tag), props); e.append(...children); return e; }

const retryButton = document.getElementById('retry');
let retry = null;
/** Shows what went wrong; "again", when given, sends what failed once more (a recording is not lost). */
function fail(message, again) {
  errorLine.textContent = message;
  retry = again || null;
  retryButton.hidden = !again;
}
retryButton.addEventListener('click', () => retry && retry());
function busy(what) {
  statusLine.textContent = what ? 'Sending ' + what + '…' : '';
  for (const c of controls) c.disabled = Boolean(what);
  fileInput.parentElement.classList.toggle('disabled', Boolean(what));
}

/** Posts one message; the API's own error message is shown when it refuses. True when accepted. */
async function post(body, what) {
  busy(what);
  let res;
  try {
    res = await fetch('/playground/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (e) {
    fail('The playground could not be reached (' + e.message + '); is npm run dev still running?');
    return false;
  } finally {
    busy('');
  }
  if (!res.ok) {
    const answer = await res.json().catch(() => undefined);
    fail(answer && answer.error ? answer.error.message : 'The playground answered ' + res.status + '.');
    return false;
  }
  fail('');
  startPolling();
  return true;
}

document.getElementById('send').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (await post({ from: from(), text: textBox.value }, 'message')) textBox.value = '';
});

const base64 = (blob) => new Promise((resolve, reject) => {
  const reader = new FileReader();
  reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(',') + 1));
  reader.onerror = () => reject(reader.error);
  reader.readAsDataURL(blob);
});

/** A file is sent as what its MIME type says; the text box is its caption (audio has none on WhatsApp). */
async function sendFile(blob, type, what, fileName) {
  if (blob.size > MAX_BYTES) {
    fail(what + ' is ' + sizeText(blob.size) + '; the playground takes files up to ' + sizeText(MAX_BYTES) + ' (MEDIA_MAX_BYTES).');
    return;
  }
  const media = { type: type, mimeType: blob.type || 'application/octet-stream', data: await base64(blob) };
  if (fileName) media.fileName = fileName;
  const caption = type === 'image' || type === 'video' || type === 'document' ? textBox.value.trim() : '';
  const body = { from: from(), media: media };
  if (caption) body.text = caption;
  if (!(await post(body, what))) return fail(errorLine.textContent, () => sendFile(blob, type, what, fileName));
  if (caption) textBox.value = '';
}

fileInput.addEventListener('change', () => {
  const file = fileInput.files[0];
  fileInput.value = '';
  if (!file) return;
  const major = (file.type || '').split('/')[0];
  const type = major === 'image' || major === 'audio' || major === 'video' ? major : 'document';
  sendFile(file, type, file.name, type === 'document' ? file.name : undefined);
});

let recording = null;
function showRecording(on) {
  recordButton.setAttribute('aria-pressed', String(on));
  recordButton.setAttribute('aria-label', on ? 'Stop and send' : 'Record voice note');
  recordButton.title = on ? 'Stop and send' : 'Record voice note';
  recordButton.innerHTML = on ? ICONS.stop : ICONS.mic;
}

showRecording(false);
recordButton.addEventListener('click', async () => {
  if (recording) return recording.recorder.stop();
  fail('');
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
    return fail('This browser cannot record here: a microphone needs the page on localhost or https.');
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (e) {
    if (e.name === 'NotAllowedError' || e.name === 'SecurityError') return fail('Microphone permission was refused; allow it in the browser’s site settings to record a voice note.');
    if (e.name === 'NotFoundError' || e.name === 'OverconstrainedError') return fail('No microphone was found.');
    return fail('The microphone could not be opened: ' + e.message);
  }
  // WhatsApp's voice notes are Opus; Chromium records it in WebM, Firefox in Ogg.
  const mimeType = ['audio/ogg;codecs=opus', 'audio/webm;codecs=opus', 'audio/webm'].find((t) => MediaRecorder.isTypeSupported(t));
  const recorder = new MediaRecorder(stream, mimeType ? { mimeType: mimeType } : undefined);
  const chunks = [];
  const started = Date.now();
  recorder.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
  recorder.onstop = () => {
    clearInterval(recording.timer);
    recording = null;
    stream.getTracks().forEach((t) => t.stop());
    showRecording(false);
    statusLine.textContent = '';
    const blob = new Blob(chunks, { type: recorder.mimeType || mimeType || 'audio/webm' });
    if (!blob.size) return fail('The recording was empty; nothing was sent.');
    sendFile(blob, 'voice', 'voice note');
  };
  const tick = () => {
    const s = Math.floor((Date.now() - started) / 1000);
    statusLine.textContent = 'Recording… ' + Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  };
  recording = { recorder: recorder, timer: setInterval(tick, 250) };
  recorder.start();
  showRecording(true);
  tick();
});

/** What a message shows besides its text: the file, the transcript, the place or the cards. */
function body(m) {
  const parts = [];
  const media = m.media;
  if (media && media.state === 'unavailable') parts.push(el('p', { className: 'note', textContent: 'media unavailable: ' + (media.unavailableReason || 'unknown reason') }));
  else if (media && media.state !== 'stored') parts.push(el('p', { className: 'note', textContent: 'Receiving the file…' }));
  else if (media) {
    if (m.type === 'image') parts.push(el('img', { className: 'photo', src: media.url, alt: m.text || 'Photo' }));
    else if (m.type === 'sticker') parts.push(el('img', { className: 'sticker', src: media.url, alt: 'Sticker' }));
    else if (m.type === 'audio' || m.type === 'voice') parts.push(el('audio', { controls: true, preload: 'metadata', src: media.url, ariaLabel: m.type === 'voice' ? 'Voice note' : 'Audio' }));
    else if (m.type === 'video') parts.push(el('video', { className: 'video', controls: true, preload: 'metadata', src: media.url }));
    else {
      const name = media.fileName || 'file';
      parts.push(el('a', { className: 'doc', href: media.url, download: name }, el('span', { innerHTML: ICONS.doc }),
        el('span', {}, name, el('small', { textContent: (media.mimeType || '') + (media.size ? ' · ' + sizeText(media.size) : '') }))));
    }
  }
  // A voice note's words read as its text; a document's text (PDFs) can be long, so it is folded away.
  if (m.transcript && m.type === 'document') parts.push(el('details', { className: 'read' }, el('summary', { textContent: 'Text read from the file' }), el('p', { textContent: m.transcript })));
  else if (m.transcript) parts.push(el('p', { className: 'transcript', textContent: m.transcript }));
  if (m.location) {
    const l = m.location;
    const place = [l.name, l.address].filter(Boolean).join(', ');
    parts.push(el('p', { className: 'place' }, el('span', { innerHTML: ICONS.pin }),
      el('span', {}, place, el('small', { textContent: l.latitude + ', ' + l.longitude + (l.live ? ' (live location)' : '') }))));
  }
  for (const c of m.contacts || []) parts.push(el('p', { className: 'place' }, el('span', { innerHTML: ICONS.person }), el('span', { textContent: c.name || 'a contact card' })));
  return parts;
}

/** Each message's bubble, rebuilt only when the message changed, so players and images are not reloaded every second. */
const shown = new Map();
function bubble(m) {
  const key = JSON.stringify(m);
  const known = shown.get(m.id);
  if (known && known.key === key) return known.node;
  const node = el('div', { className: 'msg ' + m.direction + (m.type === 'sticker' && !m.text ? ' sticker-only' : '') }, ...body(m));
  if (m.text) node.append(el('p', { className: 'text', textContent: m.text }));
  const flags = (m.edited ? ' · edited' : '') + (m.deleted ? ' · deleted' : '');
  node.append(el('div', { className: 'meta', textContent: m.author + ' · ' + m.status + flags }));
  shown.set(m.id, { key: key, node: node });
  return node;
}

// Polls once a second while it works; on an error it says why and stops, until the next send
// (or a click on "Try again") starts it again, so a broken page does not hammer the server.
let polling;
let pollProblem = '';
const reloadButton = document.getElementById('reload');
reloadButton.addEventListener('click', () => startPolling());
function startPolling() {
  reloadButton.hidden = true;
  if (pollProblem) errorLine.textContent = '';
  pollProblem = '';
  clearTimeout(polling);
  refresh();
}
async function refresh() {
  const res = await fetch('/playground/messages?from=' + encodeURIComponent(from())).catch(() => undefined);
  if (!res || !res.ok) {
    const body = res ? await res.json().catch(() => undefined) : undefined;
    const why = body && body.error ? body.error.message : res ? 'the server answered ' + res.status : 'the local stack does not answer; is npm run dev still running?';
    pollProblem = 'Stopped refreshing the conversation: ' + why + '. Send a message or press Try again.';
    errorLine.textContent = pollProblem;
    reloadButton.hidden = false;
    return;
  }
  polling = setTimeout(refresh, 1000);
  const { data } = await res.json();
  const atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
  const before = chat.childElementCount;
  const nodes = data.map(bubble);
  if (nodes.length !== chat.children.length || nodes.some((n, i) => chat.children[i] !== n)) chat.replaceChildren(...nodes);
  if (nodes.length > before && atBottom) window.scrollTo(0, document.body.scrollHeight);
}
startPolling();
`;
