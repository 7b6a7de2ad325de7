// Keyed aggregation, an interval join and an enrichment join: orders are joined with the
// payments that arrive within 10 minutes, enriched with the customer's name, and totals are
// summed per customer.
import {
  fromArray,
  graph,
  intervalJoin,
  keyedReduce,
  lookupJoin,
  map,
  pipeline,
  collect,
  watermark,
  type Element,
  type JoinedPair,
} from '@streamweave/core';

type Order = { id: string; customer: string; amount: number; ts: number };
type Payment = { order: string; ts: number };
const min = 60_000;

const orders: Array<Element<Order>> = [
  { id: 'o1', customer: 'c1', amount: 30, ts: 0 },
  { id: 'o2', customer: 'c2', amount: 12, ts: 1 * min },
  { id: 'o3', customer: 'c1', amount: 8, ts: 2 * min },
  watermark(2 * min),
];
const payments: Array<Element<Payment>> = [
  { order: 'o1', ts: 3 * min }, // within 10 minutes: joins
  { order: 'o2', ts: 15 * min }, // too late: no join
  { order: 'o3', ts: 5 * min },
  watermark(15 * min),
];

const joined = await graph()
  .source('orders', fromArray(orders as Order[]))
  .source('payments', fromArray(payments as Payment[]))
  .node(
    'paid',
    intervalJoin<Order, Payment, string>({
      left: { key: (o) => o.id, timestamp: (o) => o.ts },
      right: { key: (p) => p.order, timestamp: (p) => p.ts },
      upperMs: 10 * min,
    }),
  )
  .sink('out', collect<JoinedPair<Order, Payment>>())
  .connect('orders', 'paid.left')
  .connect('payments', 'paid.right')
  .connect('paid', 'out')
  .build()
  .run();

const customers = new Map([['c1', 'Ada'], ['c2', 'Grace']]);
const { result: totals } = await pipeline()
  .from(fromArray(joined.result.out))
  .pipe(map((p: JoinedPair<Order, Payment>) => p.left))
  .pipe(lookupJoin(customers, { key: (o: Order) => o.customer, select: (o: Order, name) => ({ name: name!, amount: o.amount }) }))
  .pipe(keyedReduce((x: { name: string; amount: number }) => x.name, (sum: number, x) => sum + x.amount, () => 0))
  .to(collect())
  .run();

console.log('paid orders:', joined.result.out.map((p) => p.left.id));
console.log('paid totals per customer:', totals);
if (JSON.stringify(totals) !== JSON.stringify([{ key: 'Ada', value: 38 }])) throw new Error(`unexpected totals ${JSON.stringify(totals)}`);
