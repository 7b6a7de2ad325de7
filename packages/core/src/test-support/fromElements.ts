import { defineProducer, type Element, type Producer } from '../index.js';

/** Emits the given elements (data and signals), one per credit. */
export function fromElements<T>(elements: ReadonlyArray<Element<T>>, name?: string): Producer<T> {
  return defineProducer<T>('fromElements', {}, name === undefined ? undefined : { name }, () => {
    let i = 0;
    return {
      pull(emit, demand) {
        for (let n = 0; n < demand && i < elements.length; n++) emit(elements[i++]!);
        return i < elements.length;
      },
    };
  });
}
