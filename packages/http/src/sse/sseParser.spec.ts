import { SseParser } from './sseParser.js';

describe('SseParser (EventSource stream interpretation)', () => {
  it('parses events with ids, names, multi-line data, comments and retry', () => {
    const p = new SseParser();
    const events = p.push('\uFEFF: hello\nretry: 2500\nid: 1\nevent: tick\ndata: a\ndata:b\n\ndata: c\n\n');
    expect(events).toEqual([
      { id: '1', event: 'tick', data: 'a\nb' },
      { id: '1', event: 'message', data: 'c' },
    ]);
    expect(p.retryMs).toBe(2500);
    expect(p.lastEventId).toBe('1');
  });

  it('accepts CRLF and CR line endings, even split across chunks', () => {
    const p = new SseParser();
    expect(p.push('data: x\r')).toEqual([]);
    expect(p.push('\n\r\ndata: y\r\rdata: z')).toEqual([
      { id: '', event: 'message', data: 'x' },
      { id: '', event: 'message', data: 'y' },
    ]);
    expect(p.push('\n\n')).toEqual([{ id: '', event: 'message', data: 'z' }]);
  });

  it('ignores ids containing NUL, non-numeric retry, unknown fields, and events without data', () => {
    const p = new SseParser('7');
    expect(p.push('id: a\0b\nretry: soon\nfoo: bar\nevent: x\n\nid: 8\n\ndata\n\n')).toEqual([{ id: '8', event: 'message', data: '' }]);
    expect(p.retryMs).toBeUndefined();
    expect(p.lastEventId).toBe('8');
  });

  it('reset drops a partial event but keeps the last id', () => {
    const p = new SseParser();
    p.push('id: 3\ndata: ok\n\nid: 4\ndata: part');
    p.reset();
    expect(p.lastEventId).toBe('3');
    expect(p.push('data: fresh\n\n')).toEqual([{ id: '3', event: 'message', data: 'fresh' }]);
  });
});
