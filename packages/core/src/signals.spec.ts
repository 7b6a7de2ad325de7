import {
  checkpointBarrier,
  CheckpointBarrier,
  endOfStream,
  isCheckpointBarrier,
  isEndOfStream,
  isSignal,
  isWatermark,
  watermark,
  Watermark,
} from './index.js';

describe('signals', () => {
  it('are recognised by their brand and never confused with data', () => {
    const wm = watermark(5);
    const cp = checkpointBarrier(3, 100, true);
    expect(wm).toBeInstanceOf(Watermark);
    expect(cp).toBeInstanceOf(CheckpointBarrier);
    expect([wm.kind, wm.timestamp, wm.idle]).toEqual(['watermark', 5, false]);
    expect([watermark(5, { idle: true }).idle, watermark(5, {}).idle, new Watermark(1, true).idle]).toEqual([true, false, true]);
    expect([cp.kind, cp.checkpointId, cp.timestamp, cp.savepoint]).toEqual(['barrier', 3, 100, true]);
    expect(checkpointBarrier(1, 0).savepoint).toBe(false);
    expect(endOfStream.kind).toBe('end');
    for (const data of [0, null, undefined, 'watermark', { kind: 'watermark', timestamp: 1 }, [], () => 1]) {
      expect(isSignal(data)).toBe(false);
    }
    expect([isSignal(wm), isWatermark(wm), isCheckpointBarrier(wm), isEndOfStream(wm)]).toEqual([true, true, false, false]);
    expect([isWatermark(cp), isCheckpointBarrier(cp), isEndOfStream(endOfStream)]).toEqual([false, true, true]);
  });
});
