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

  it('leaves idle inputs out of the minimum, and marks the output idle when every live input is idle', () => {
    const { inputs: [a, b], out } = setup(2);
    a!.next(watermark(10));
    b!.next(watermark(5));
    expect(out).toEqual(['wm:5']);
    b!.next(watermark(5, { idle: true })); // b goes quiet: a alone decides
    expect(out).toEqual(['wm:5', 'wm:10']);
    a!.next(watermark(30));
    expect(out).toEqual(['wm:5', 'wm:10', 'wm:30']);
    a!.next(watermark(30, { idle: true })); // both quiet: the output is idle, event time does not move
    expect(out).toEqual(['wm:5', 'wm:10', 'wm:30', 'idle:30']);
    a!.next(watermark(30, { idle: true })); // said once
    expect(out).toHaveLength(4);
    b!.next('b1'); // an item makes b active again; its watermark (5) cannot move the output back
    expect(out).toEqual(['wm:5', 'wm:10', 'wm:30', 'idle:30', 'wm:30', 'b1']);
    b!.next(watermark(40));
    expect(out.slice(6)).toEqual(['wm:40']);
  });

  it('an active watermark ends idleness and holds the minimum again', () => {
    const { inputs: [a, b], out } = setup(2);
    b!.next(watermark(0, { idle: true }));
    a!.next(watermark(100));
    expect(out).toEqual(['wm:100']);
    b!.next(watermark(50)); // active again at 50: the output stays at 100 and waits for b
    a!.next(watermark(200));
    expect(out).toEqual(['wm:100']);
    b!.next(watermark(150));
    expect(out).toEqual(['wm:100', 'wm:150']);
  });

  it('an input that ends while the others are idle leaves the output idle', () => {
    const { inputs: [a, b], out } = setup(2);
    a!.next(watermark(7, { idle: true }));
    b!.next(watermark(9));
    b!.next(endOfStream);
    expect(out).toEqual(['wm:9', 'idle:9']);
    a!.next(watermark(12));
    a!.next(endOfStream);
    expect(out).toEqual(['wm:9', 'idle:9', 'wm:12', 'eos']);
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
