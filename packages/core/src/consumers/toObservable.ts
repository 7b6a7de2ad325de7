import { type Observable, Subject } from 'rxjs';
import type { Consumer, NodeOptions } from '../contracts.js';
import { defineConsumer } from '../internal/define.js';

/** A consumer that republishes items on {@link ObservableConsumer.observable}. */
export interface ObservableConsumer<T> extends Consumer<T, number> {
  /** Hot Observable of every data item; completes when the run ends and errors when it fails. */
  readonly observable: Observable<T>;
}

/**
 * Republishes every data item on a hot Observable, for handing a pipeline's output
 * to RxJS code. Subscribe before the run starts; resolves with the number of items.
 *
 * @example
 * ```ts
 * const sink = toObservable<number>();
 * sink.observable.subscribe((x) => console.log(x));
 * await pipeline().from(range(0, 3)).to(sink).run();
 * ```
 * @see {@link SourcedPipeline.observe} for a cold Observable that starts the run itself.
 */
export function toObservable<T>(options?: NodeOptions): ObservableConsumer<T> {
  const subject = new Subject<T>();
  const consumer = defineConsumer<T, number>('toObservable', {}, options, () => {
    let n = 0;
    return {
      item(value) {
        n++;
        subject.next(value as T);
      },
      complete() {
        subject.complete();
        return n;
      },
    };
  });
  return {
    ...consumer,
    consume: (input, ctx) =>
      consumer.consume(input, ctx).catch((e: unknown) => {
        subject.error(e);
        throw e;
      }),
    observable: subject.asObservable(),
  };
}
