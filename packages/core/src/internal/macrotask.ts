/** Yields to the event loop so timers, I/O and abort events get a turn. */

type Immediate = (cb: () => void) => unknown;
const immediate = (globalThis as { setImmediate?: Immediate }).setImmediate;

let channelQueue: Array<() => void> | undefined;
let channel: MessageChannel | undefined;

function viaChannel(cb: () => void): void {
  if (!channel) {
    channelQueue = [];
    channel = new MessageChannel();
    channel.port1.onmessage = () => channelQueue!.shift()?.();
  }
  channelQueue!.push(cb);
  channel.port2.postMessage(0);
}

/** Resolves on a later macrotask (setImmediate in Node, MessageChannel in browsers). */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    if (immediate) immediate(resolve);
    else viaChannel(resolve);
  });
}
