// Type-level checks: what must (and must not) compile. Checked by `pnpm typecheck`.
import { fromArray, map, watermark } from '@streamweave/core';
import { failAt, fromMarbles, runOperator, runPipeline, type OperatorRun } from './index.js';

export async function checks(): Promise<void> {
  const out: OperatorRun<string> = await runOperator(map((x: number) => String(x)), [1, watermark(1)]);
  const data: string[] = out.data;
  void data;

  // @ts-expect-error the input elements must match the operator's input type
  await runOperator(map((x: number) => x), ['a']);

  // @ts-expect-error the output type follows the operator
  const wrong: OperatorRun<number> = await runOperator(map((x: number) => String(x)), [1]);
  void wrong;

  await runOperator(failAt<string>(0), fromMarbles('a-b|'));
  await runPipeline(fromArray([1, 2]), [map((x: number) => x + 1)]);
}
