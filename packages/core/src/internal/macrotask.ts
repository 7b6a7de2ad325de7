/** Yields to the event loop so timers, I/O and abort events get a turn. */

type Immediate = (cb: () => void) => unknown;
const immediate = (globalThis as { setImmediate?: Immediate }).setImmediate;

/** The slice of MessageChannel used here, typed locally so Node-only consumers need no DOM lib. */
interface Channel {
  port1: { onmessage: ((event: unknown) => void) | null };
  port2: { postMessage(message: unknown): void };
}
const MessageChannelCtor = (globalThis as unknown as { MessageChannel?: new () => Channel }).MessageChannel;

let channelQueue: Array<() => void> | undefined;
let channel: Channel | undefined;

function viaChannel(cb: () => void): void {
  if (!channel) {
    channelQueue = [];
    channel = new MessageChannelCtor!();
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
