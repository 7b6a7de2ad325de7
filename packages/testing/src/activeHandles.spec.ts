import { snapshotActiveHandles } from './index.js';

// This package is browser-typed: reach the host's process object untyped.
const host = (globalThis as unknown as { process: { getActiveResourcesInfo?: unknown } }).process;

function withResources(lists: string[][], fn: () => Promise<void>): Promise<void> {
  const original = host.getActiveResourcesInfo;
  let call = 0;
  host.getActiveResourcesInfo = () => lists[Math.min(call++, lists.length - 1)];
  return fn().finally(() => {
    host.getActiveResourcesInfo = original;
  });
}

describe('snapshotActiveHandles', () => {
  it('names each resource beyond the baseline, per type', async () => {
    await withResources(
      [
        ['Timeout', 'TCPWrap'],
        ['Timeout', 'Timeout', 'TCPWrap', 'FSReqPromise'],
      ],
      async () => {
        const handles = snapshotActiveHandles();
        expect(handles.leaked()).toEqual(['FSReqPromise', 'Timeout']);
        await expect(handles.expectNoLeaks(1)).rejects.toThrow(
          'expected no leaked resources, found 2 more than at the snapshot: FSReqPromise, Timeout',
        );
      },
    );
  });

  it('passes when only baseline resources remain (or fewer)', async () => {
    await withResources([['Timeout', 'TCPWrap'], ['TCPWrap']], async () => {
      await expect(snapshotActiveHandles().expectNoLeaks(1)).resolves.toBeUndefined();
    });
  });

  it('sees a real timer started after the snapshot', async () => {
    const handles = snapshotActiveHandles();
    const t = setTimeout(() => undefined, 60_000);
    expect(handles.leaked()).toContain('Timeout');
    clearTimeout(t);
    expect(handles.leaked()).not.toContain('Timeout');
  });

  it('checks nothing where the host cannot list resources', async () => {
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
