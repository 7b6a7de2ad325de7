// Type-level checks of routing nodes' ports (checked by `tsc --noEmit`, never run).
import { broadcast, collect, fromArray, graph, keyPartition, merge, partition, route } from '../index.js';

const numbers = graph().source('n', fromArray([1, 2])).sink('texts', collect<string>()).sink('nums', collect<number>());

const parted = numbers.node('p', partition((x: number) => x > 1)).connect('n', 'p');
parted.connect('p.matched', 'nums');
// @ts-expect-error number items cannot go into a string sink
parted.connect('p.matched', 'texts');
// @ts-expect-error partition has no port "other"
parted.connect('p.other', 'nums');

const routed = numbers.node('r', route((x: number) => (x > 1 ? 'big' : 'small'), ['big', 'small'], { default: 'rest' })).connect('n', 'r');
routed.connect('r.rest', 'nums');
// @ts-expect-error route has no port "huge"
routed.connect('r.huge', 'nums');

const kp = numbers.node('k', keyPartition((x: number) => x % 2, 2)).connect('n', 'k');
kp.connect('k.out1', 'nums');
// @ts-expect-error two partitions: out0 and out1 only
kp.connect('k.out2', 'nums');

const b = numbers.node('b', broadcast<number, ['x', 'y']>(['x', 'y'])).connect('n', 'b');
b.connect('b.y', 'nums');
// @ts-expect-error broadcast of numbers cannot feed a string sink
b.connect('b.x', 'texts');

const m = numbers.node('m', merge<number, 2>(2)).connect('n', 'm.in0').connect('n', 'm.in1');
m.connect('m', 'nums');
// @ts-expect-error merge of two inputs has no in2
m.connect('n', 'm.in2');
