import { Subject } from 'rxjs';
import { alignedMerge, checkpointBarrier, type Element, endOfStream, watermark } from '../index.js';
import { show } from '../test-support/elements.js';

function setup(n: number) {
  const inputs = Array.from({ length: n }, () => new Subject<Element<string>>());
  const out: unknown[] = [];
  let completed = false;
  let error: unknown;
  const sub = alignedMerge(inputs).subscribe({
    next: (el) => out.push(show(el)),
    complete: () => (completed = true),
    error: (e: unknown) => (error = e),
  });
  return { inputs, out, sub, isCompleted: () => completed, error: () => error };
}

describe('alignedMerge', () => {
  it('passes a single input through untouched', () => {
    const only = new Subject<Element<number>>();
    expect(alignedMerge([only])).toBe(only);
  });

  it('emits the minimum watermark over the inputs, only when it advances', () => {
    const { inputs: [a, b], out } = setup(2);
    a!.next(watermark(10));
    expect(out).toEqual([]);
    b!.next(watermark(4));
    a!.next(watermark(12));
    b!.next(watermark(3)); // going back on one input never moves the output back
    b!.next(watermark(20));
    expect(out).toEqual(['wm:4', 'wm:12']);
  });

  it('an ended input no longer holds the watermark back', () => {
    const { inputs: [a, b], out } = setup(2);
    a!.next(watermark(50));
    b!.next(watermark(10));
    b!.next(endOfStream);
    expect(out).toEqual(['wm:10', 'wm:50']);
    a!.next(endOfStream);
    expect(out).toEqual(['wm:10', 'wm:50', 'eos']);
  });

  it('aligns barriers: a blocked input is buffered until every input delivered the barrier', () => {
    const { inputs: [a, b], out } = setup(2);
    a!.next('a1');
    a!.next(checkpointBarrier(1, 0));
    a!.next('a2');
    a!.next(watermark(9));
    b!.next('b1');
    expect(out).toEqual(['a1', 'b1']);
    b!.next(checkpointBarrier(1, 0));
    expect(out).toEqual(['a1', 'b1', 'cp:1', 'a2']);
    b!.next(watermark(9));
    expect(out).toEqual(['a1', 'b1', 'cp:1', 'a2', 'wm:9']);
  });

  it('keeps buffering when a replayed buffer holds the next barrier', () => {
    const { inputs: [a, b], out } = setup(2);
    a!.next(checkpointBarrier(1, 0));
    a!.next('a1');
    a!.next(checkpointBarrier(2, 0));
    a!.next('a2');
    b!.next(checkpointBarrier(1, 0));
    expect(out).toEqual(['cp:1', 'a1']);
    b!.next('b1');
    b!.next(checkpointBarrier(2, 0));
    expect(out).toEqual(['cp:1', 'a1', 'b1', 'cp:2', 'a2']);
  });

  it('an input completing while held at a barrier keeps its buffered tail', () => {
    const { inputs: [a, b], out, isCompleted } = setup(2);
    a!.next(checkpointBarrier(1, 0));
    a!.next('a1');
    a!.next(watermark(7));
    a!.next(endOfStream);
    a!.complete();
    b!.next(watermark(9));
    expect(out).toEqual([]);
    b!.next(checkpointBarrier(1, 0));
    expect(out).toEqual(['cp:1', 'a1', 'wm:7', 'wm:9']);
    expect(isCompleted()).toBe(false);
    b!.complete();
    expect(out).toEqual(['cp:1', 'a1', 'wm:7', 'wm:9', 'eos']);
    expect(isCompleted()).toBe(true);
  });

  it('an input that ends releases a pending barrier', () => {
    const { inputs: [a, b], out } = setup(2);
    a!.next(checkpointBarrier(1, 0));
    a!.next('a1');
    b!.complete();
    expect(out).toEqual(['cp:1', 'a1']);
  });

  it('completes when every input completed, emitting end-of-stream once', () => {
    const { inputs: [a, b], out, isCompleted } = setup(2);
    a!.complete();
    expect(isCompleted()).toBe(false);
    b!.next('x');
    b!.complete();
    expect(out).toEqual(['x', 'eos']);
    expect(isCompleted()).toBe(true);
  });

  it('forwards an error from any input', () => {
    const { inputs: [a], error } = setup(2);
    a!.error(new Error('input broke'));
    expect((error() as Error).message).toBe('input broke');
  });
});
