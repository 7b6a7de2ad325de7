/** One conformance suite, run against every state backend. */
import { collect, fromArray, pipeline } from '@streamweave/core';
import { CheckpointCoordinator, keyedProcess, memoryCheckpointStorage, type StateBackend, valueState } from '@streamweave/state';

export function backendConformance(name: string, make: () => StateBackend | Promise<StateBackend>): void {
  describe(`${name} backend conformance`, () => {
    let backend: StateBackend;
    beforeAll(async () => {
      backend = await make();
    });
    afterAll(async () => {
      await backend.close();
    });

    it('reads back exactly what was written, per checkpoint and operator', async () => {
      await backend.write(1, 'op-a', [['k1', '"v1"'], ['k2', '[1,2]']]);
      await backend.write(1, 'op-b', [['x', 'ünïcødé ✓']]);
      await backend.write(2, 'op-a', [['k1', '"v2"']]);
      expect(await backend.read(1, 'op-a')).toEqual([['k1', '"v1"'], ['k2', '[1,2]']]);
      expect(await backend.read(1, 'op-b')).toEqual([['x', 'ünïcødé ✓']]);
      expect(await backend.read(2, 'op-a')).toEqual([['k1', '"v2"']]);
    });

    it('returns undefined for what was never written', async () => {
      expect(await backend.read(99, 'nobody')).toBeUndefined();
    });

    it('a second write of the same pair replaces the first', async () => {
      await backend.write(3, 'op', [['a', '1'], ['b', '2']]);
      await backend.write(3, 'op', [['c', '3']]);
      expect(await backend.read(3, 'op')).toEqual([['c', '3']]);
    });

    it('discard removes every operator of one checkpoint and nothing else', async () => {
      await backend.write(4, 'op-a', [['a', '1']]);
      await backend.write(4, 'op-b', [['b', '2']]);
      await backend.write(5, 'op-a', [['a', '5']]);
      await backend.discard(4);
      expect(await backend.read(4, 'op-a')).toBeUndefined();
      expect(await backend.read(4, 'op-b')).toBeUndefined();
      expect(await backend.read(5, 'op-a')).toEqual([['a', '5']]);
    });

    it('stores large snapshots (20 000 entries)', async () => {
      const big = Array.from({ length: 20_000 }, (_, i) => [`key-${i}`, JSON.stringify({ i, s: 'x'.repeat(20) })] as const);
      await backend.write(6, 'big', big);
      expect(await backend.read(6, 'big')).toEqual(big);
    });

    it('checkpoints and restores a keyed pipeline', async () => {
      const storage = memoryCheckpointStorage();
      const job = (items: number[]) =>
        pipeline()
          .from(fromArray(items, { name: 'src' }))
          .pipe(
            keyedProcess(
              {
                keyBy: (x: number) => x % 2,
                state: { sum: valueState<number>({ defaultValue: 0 }) },
                processElement(x, ctx) {
                  ctx.state.sum.update(ctx.state.sum.value()! + x);
                  ctx.emit(`${ctx.key}:${ctx.state.sum.value()}`);
                },
              },
              { name: `sum-${name}` },
            ),
          )
          .to(collect());
      const first = await new CheckpointCoordinator({ backend, storage }).run(job([1, 2, 3, 4]));
      expect(first.result).toEqual(['1:1', '0:2', '1:4', '0:6']);
      // The restored run resumes the (longer) source after item 4 and keeps the sums.
      const again = await new CheckpointCoordinator({ backend, storage }).run(job([1, 2, 3, 4, 5, 6]));
      expect(again.restoredFrom).toBe(first.completedCheckpoints[0]);
      expect(again.result).toEqual(['1:9', '0:12']);
    });
  });
}
