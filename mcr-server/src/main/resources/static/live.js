// The single event stream: reconnects with exponential backoff after any failure.

/** Opens /api/events and keeps it open; every (re)connect starts with a snapshot. */
export class LiveStream {
  constructor(url, { onEvent, onState }) {
    this.url = url;
    this.onEvent = onEvent;
    this.onState = onState;
    this.attempt = 0;
    this.es = null;
    this.timer = 0;
    this.opened = 0;
  }

  start() {
    if (this.es || this.timer) return;
    this.connect();
  }

  connect() {
    this.timer = 0;
    this.onState('connecting');
    const es = new EventSource(this.url);
    this.es = es;
    es.onopen = () => {
      this.attempt = 0;
      this.opened += 1;
      this.onState('open', { reconnect: this.opened > 1 });
    };
    es.onmessage = (msg) => {
      let ev;
      try {
        ev = JSON.parse(msg.data);
      } catch (_) {
        return;
      }
      if (ev && typeof ev === 'object') this.onEvent(ev);
    };
    es.onerror = () => {
      // The browser's own retry gives up on HTTP errors and never backs off: do it here.
      es.close();
      if (this.es !== es) return;
      this.es = null;
      const delay = Math.min(30000, 1000 * 2 ** this.attempt);
      this.attempt += 1;
      this.onState('retry', { delay });
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  /** Reconnects at once (e.g. from a "retry now" action). */
  retryNow() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.connect();
    }
  }
}
