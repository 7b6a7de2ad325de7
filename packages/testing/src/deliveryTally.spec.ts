import { deliveryTally } from './index.js';

describe('deliveryTally', () => {
  it('is all zeros but checked for an exact delivery, in any order', () => {
    expect(deliveryTally(['a', 'b', 'c'], ['c', 'a', 'b'])).toEqual({ checked: 3, lost: 0, duplicated: 0 });
  });

  it('counts missing records as lost, repeats and strangers as duplicated', () => {
    expect(deliveryTally(['r0', 'r1', 'r2'], ['r0', 'r2', 'r2', 'x'])).toEqual({ checked: 3, lost: 1, duplicated: 2 });
    expect(deliveryTally(['a'], [])).toEqual({ checked: 1, lost: 1, duplicated: 0 });
    expect(deliveryTally([], ['a', 'a'])).toEqual({ checked: 0, lost: 0, duplicated: 2 });
  });

  it('counts a repeated expected record once and takes any iterables', () => {
    const expected = new Map([['a', 1], ['b', 2]]).keys();
    expect(deliveryTally(expected, new Set(['a', 'b']))).toEqual({ checked: 2, lost: 0, duplicated: 0 });
    expect(deliveryTally(['a', 'a'], ['a'])).toEqual({ checked: 1, lost: 0, duplicated: 0 });
  });
});
