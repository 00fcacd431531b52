// The page the Chromium tests load from the test server: a minimal Bayeux client written for the
// browser's own machinery — POST by fetch, streams by native EventSource, a hidden iframe whose
// scripts call back into this page, or fetch streaming of a multipart body. It is deliberately not
// @kuiper/client: these tests check the server's wire against what browsers do, nothing else.

/** What the page exposes on `window`, as the tests drive it through page.evaluate. */
export interface PageApi {
  start(transport: string, channel: string): Promise<string>;
  publish(channel: string, data: unknown): Promise<void>;
  received: Array<{ channel: string; data: unknown }>;
  streams: number;
  errors: string[];
}

const SCRIPT = String.raw`
const base = '/bayeux';
let clientId;
let nextId = 0;
const id = () => String(++nextId);
window.received = [];
window.streams = 0;
window.errors = [];

async function post(messages) {
  const res = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(messages) });
  const replies = await res.json();
  for (const reply of replies) if (reply.successful === false) throw new Error(JSON.stringify(reply));
  return replies;
}

window.start = async (transport, channel) => {
  const [hs] = await post([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: [transport, 'long-polling'], id: id() }]);
  if (!hs.supportedConnectionTypes.includes(transport)) throw new Error('server does not list ' + transport);
  clientId = hs.clientId;
  await post([{ channel: '/meta/subscribe', clientId, subscription: channel, id: id() }]);
  await openStream(transport);
  return clientId;
};

window.publish = async (channel, data) => {
  await post([{ channel, clientId, data, id: id() }]);
};

// Resolves on the stream's first connect reply; a later connect reply means the stream is over
// (STREAM-5), so it is closed and, if the session lives, the next one opened.
function openStream(transport) {
  return new Promise((resolve, reject) => {
    const connect = { channel: '/meta/connect', clientId, connectionType: transport, id: id() };
    const query = new URLSearchParams({ transport, message: JSON.stringify([connect]) });
    const callback = 'kuiperFrame' + connect.id;
    if (transport === 'forever-frame') query.set('callback', callback);
    const url = base + '?' + query;
    let replies = 0;
    let close = () => {};
    window.streams++;
    const onBatch = (batch) => {
      for (const message of batch) {
        if (message.channel === '/meta/connect') {
          replies++;
          if (replies === 1) resolve();
          else {
            close();
            if (message.successful) openStream(transport);
            else window.errors.push(message.error);
          }
        } else if ('data' in message) window.received.push({ channel: message.channel, data: message.data });
      }
    };
    if (transport === 'eventsource') {
      const source = new EventSource(url);
      source.onmessage = (event) => onBatch(JSON.parse(event.data));
      source.onerror = () => { if (replies === 0) reject(new Error('EventSource failed')); };
      close = () => source.close();
    } else if (transport === 'forever-frame') {
      window[callback] = onBatch;
      const frame = document.createElement('iframe');
      frame.style.display = 'none';
      frame.src = url;
      document.body.appendChild(frame);
      close = () => frame.remove();
    } else {
      const controller = new AbortController();
      close = () => controller.abort();
      readMultipart(url, controller.signal, onBatch).catch((err) => {
        if (err.name !== 'AbortError') { window.errors.push(String(err)); reject(err); }
      });
    }
  });
}

// A part is complete when the next delimiter arrives (STREAM-11); '[]' parts are keep-alives.
async function readMultipart(url, signal, onBatch) {
  const res = await fetch(url, { signal });
  const boundary = /boundary=([^;\s]+)/.exec(res.headers.get('content-type'))[1];
  const delimiter = '\r\n--' + boundary;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let started = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    if (!started) {
      if (buffer.length < boundary.length + 2) continue;
      buffer = buffer.slice(boundary.length + 2);
      started = true;
    }
    let end;
    while ((end = buffer.indexOf(delimiter)) >= 0) {
      const part = buffer.slice(0, end);
      buffer = buffer.slice(end + delimiter.length);
      const body = part.slice(part.indexOf('\r\n\r\n') + 4);
      if (body !== '[]') onBatch(JSON.parse(body));
    }
  }
}
`;

export const PAGE_HTML = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>kuiper streaming</title></head>
<body><script>${SCRIPT}</script></body></html>`;
