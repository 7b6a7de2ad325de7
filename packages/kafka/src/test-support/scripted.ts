/** A test producer shared by the unit specs of the sinks. */
import { defineProducer, type Element } from '@streamweave/core';

/** Emits the given elements (data and barriers) in order, then ends. */
export const scripted = <T>(elements: ReadonlyArray<Element<T>>) =>
  defineProducer<T>('scripted', {}, undefined, () => {
    let i = 0;
    return {
      pull(emit, demand) {
        for (let n = 0; n < demand && i < elements.length; n++) emit(elements[i++]!);
        return i < elements.length;
      },
    };
  });
