import { keyedProcess, valueState } from '@streamweave/state';

const state = { n: valueState<number>() };
keyedProcess<string, number, string, typeof state>({
  keyBy: (s) => s,
  state,
  processElement(_s, ctx) {
    ctx.state.n.update(1);
    // @ts-expect-error a state value has the declared type
    ctx.state.n.update('one');
    // @ts-expect-error undeclared state does not exist
    ctx.state.missing.value();
    // @ts-expect-error emitted items have the output type
    ctx.emit('not a number');
  },
});

// @ts-expect-error a key must have a stable JSON form
keyedProcess<string, number, { nested: Date }>({ keyBy: () => ({ nested: new Date() }), processElement: () => undefined });
