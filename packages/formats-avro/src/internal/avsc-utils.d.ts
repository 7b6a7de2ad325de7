// avsc ships typings for its entry point only; this is the one internal module read (see avscTap.ts).
declare module 'avsc/lib/utils.js' {
  const utils: unknown;
  export default utils;
}
