// The single event stream: reconnects with exponential backoff after any failure.
//
// Read with fetch, not EventSource: a chatty run sends tens of thousands of messages a second, and EventSource
// dispatches each as an event of its own, all that arrived at once in one task the page cannot split (hundreds of
// milliseconds without a frame). Here the stream's text arrives in chunks; the reader only hands each chunk on, and
// the page takes messages out of it (SseParser) in its frames, within their time.

/** Splits the text of an event stream (text/event-stream) into the data of its messages, as they are asked for. */
export class SseParser {
  constructor() {
    this.chunks = [];
    this.cur = '';
    this.pos = 0;
    this.scan = 0;
  }

  /** Adds text as it came from the stream (a chunk may end anywhere, also inside a message). */
  feed(text) {
    const s = String(text);
    if (s) this.chunks.push(s.indexOf('\r') >= 0 ? s.replace(/\r\n?/g, '\n') : s);
  }

  /** The data of the next whole message, or null when no whole message is buffered. */
  next() {
    for (;;) {
      const end = this.cur.indexOf('\n\n', this.scan);
      if (end >= 0) {
        const block = this.cur.slice(this.pos, end);
        this.pos = end + 2;
        this.scan = this.pos;
        const data = SseParser.dataOf(block);
        if (data !== null) return data;
        continue;
      }
      if (!this.chunks.length) {
        // Searched to the end: the next search starts where a blank line could still begin.
        this.scan = Math.max(this.pos, this.cur.length - 1);
        return null;
      }
      // The unfinished rest and the chunks up to the first that ends a message, joined once: a big message (a
      // snapshot) that came in many chunks is not copied and searched again for each of them.
      const parts = [this.cur.slice(this.pos)];
      const scan = Math.max(0, parts[0].length - 1);
      let last = parts[0];
      while (this.chunks.length) {
        const c = this.chunks.shift();
        parts.push(c);
        const ends = c.indexOf('\n\n') >= 0 || (c[0] === '\n' && last.endsWith('\n'));
        last = c;
        if (ends) break;
      }
      this.cur = parts.join('');
      this.pos = 0;
      this.scan = scan;
    }
  }

  /** The data of one message block (its data: lines joined), or null for a block without data (a comment). */
  static dataOf(block) {
    if (block.startsWith('data: ') && block.indexOf('\n') < 0) return block.slice(6);
    let data = null;
    for (const line of block.split('\n')) {
      if (!line.startsWith('data')) continue;
      if (line.length > 4 && line[4] !== ':') continue;
      let v = line.slice(5);
      if (v.startsWith(' ')) v = v.slice(1);
      data = data === null ? v : `${data}\n${v}`;
    }
    return data;
  }
}

/** Characters the reader takes from the stream before it lets other tasks run. */
const YIELD_CHARS = 64 * 1024;

let port = null;
const waiting = [];

/** Resolves in a task of its own (a message to ourselves). */
function nextTask() {
  if (!port) {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => waiting.shift()();
    port = ch.port2;
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(0);
  });
}

/**
 * Opens /api/events and keeps it open; every (re)connect starts with a snapshot. onData gets the stream's text
 * in chunks as they arrive (feed them to an SseParser); a new connection first hands on a blank line, so that a
 * message the old one cut off is ended (its JSON then does not parse) instead of joining the new one's first.
 */
export class LiveStream {
  constructor(url, { onData, onState }) {
    this.url = url;
    this.onData = onData;
    this.onState = onState;
    this.attempt = 0;
    this.ctl = null;
    this.timer = 0;
    this.opened = 0;
  }

  start() {
    if (this.ctl || this.timer) return;
    this.connect();
  }

  connect() {
    this.timer = 0;
    this.onState('connecting');
    const ctl = new AbortController();
    this.ctl = ctl;
    const read = async () => {
      const res = await fetch(this.url, {
        cache: 'no-store', credentials: 'same-origin', headers: { Accept: 'text/event-stream' }, signal: ctl.signal,
      });
      if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
      if (this.ctl !== ctl) return;
      this.attempt = 0;
      this.opened += 1;
      this.onData('\n\n');
      this.onState('open', { reconnect: this.opened > 1 });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let taken = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done || this.ctl !== ctl) break;
        this.onData(value);
        // Chunks that are already there resolve at once: without a pause the loop decodes everything the network
        // holds in one microtask checkpoint (tens of ms after a busy frame). A task boundary now and then lets a
        // frame in; a message port, unlike a timer, is not throttled in a hidden tab.
        taken += value.length;
        if (taken >= YIELD_CHARS) {
          taken = 0;
          await nextTask();
        }
      }
    };
    read().catch(() => {}).then(() => this.ended(ctl));
  }

  /** The connection ended (an error, a closed stream, an HTTP error): try again later, backing off. */
  ended(ctl) {
    if (this.ctl !== ctl) return;
    ctl.abort();
    this.ctl = null;
    const delay = Math.min(30000, 1000 * 2 ** this.attempt);
    this.attempt += 1;
    this.onState('retry', { delay });
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /** Reconnects at once (e.g. from a "retry now" action). */
  retryNow() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.connect();
    }
  }
}
