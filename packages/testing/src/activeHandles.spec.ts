import { snapshotActiveHandles } from './index.js';

describe('snapshotActiveHandles', () => {
  it('names a real timer started after the snapshot, and passes once it is cleared', async () => {
    const handles = snapshotActiveHandles();
    const t = setTimeout(() => undefined, 60_000);
    expect(handles.leaked()).toEqual(['Timeout']);
    await expect(handles.expectNoLeaks(1)).rejects.toThrow('expected no leaked resources, found 1 more than at the snapshot: Timeout');
    clearTimeout(t);
    await expect(handles.expectNoLeaks()).resolves.toBeUndefined();
  });

  it('checks nothing where the host cannot list resources', async () => {
    // This package is browser-typed: reach the host's process object untyped.
    const host = (globalThis as unknown as { process: { getActiveResourcesInfo?: unknown } }).process;
    const original = host.getActiveResourcesInfo;
    host.getActiveResourcesInfo = undefined;
    try {
      const handles = snapshotActiveHandles();
      const t = setTimeout(() => undefined, 60_000);
      expect(handles.leaked()).toEqual([]);
      clearTimeout(t);
    } finally {
      host.getActiveResourcesInfo = original;
    }
  });
});
