/**
 * The EventSource stream parser of the HTML standard ("Interpreting an event
 * stream"), written out so the client runs over plain fetch in any runtime.
 */

/** One dispatched event. */
export interface ParsedSseEvent {
  /** Last event id set by the stream (`''` when none), as sent by a reconnect in Last-Event-ID. */
  readonly id: string;
  /** Event type (`'message'` when the stream set none). */
  readonly event: string;
  /** Data lines of the event joined with `\n` (without the trailing newline). */
  readonly data: string;
}

/** @internal Incremental parser; feed decoded text, collect events. */
export class SseParser {
  /** The last event id string (what a reconnect sends as Last-Event-ID). */
  lastEventId = '';
  /** The reconnection time the server asked for, if any. */
  retryMs: number | undefined;
  private buffer = '';
  private data = '';
  private event = '';
  private idBuffer = '';
  private first = true;
  private pendingCR = false;

  constructor(lastEventId = '') {
    this.lastEventId = lastEventId;
    this.idBuffer = lastEventId;
  }

  /** Parses a chunk of text; returns the events it completed. */
  push(text: string): ParsedSseEvent[] {
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CR at the end of the previous chunk already ended a line; skip its LF.
    if (this.pendingCR && text.startsWith('\n')) text = text.slice(1);
    this.pendingCR = false;
    const events: ParsedSseEvent[] = [];
    let buf = this.buffer + text;
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(buf.slice(start, i), events);
      if (c === 13) {
        if (i + 1 < buf.length) {
          if (buf.charCodeAt(i + 1) === 10) i++;
        } else this.pendingCR = true;
      }
      start = i + 1;
    }
    buf = buf.slice(start);
    this.buffer = buf;
    return events;
  }

  /** Forgets a partial event (the connection dropped mid-event). */
  reset(): void {
    this.buffer = '';
    this.data = '';
    this.event = '';
    this.idBuffer = this.lastEventId;
    this.first = true;
    this.pendingCR = false;
  }

  private line(line: string, events: ParsedSseEvent[]): void {
    if (line === '') {
      this.lastEventId = this.idBuffer;
      if (this.data !== '') {
        const data = this.data.endsWith('\n') ? this.data.slice(0, -1) : this.data;
        events.push({ id: this.lastEventId, event: this.event === '' ? 'message' : this.event, data });
      }
      this.data = '';
      this.event = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data += `${value}\n`;
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.idBuffer = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break; // unknown fields are ignored, per the standard
    }
  }
}
