import { describe, expect, it } from 'vitest';
import { buildHeadsTree, type ChainHead, type HeadsTree } from '../../crypto/merkle.js';
import { StatementTrees } from '../../db/seals.js';

const head = (n: number): ChainHead => ({
  referralId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  seq: n,
  hash: n.toString(16).padStart(64, '0'),
});

/** A build that counts its runs and can be held open or made to fail. */
function builds(heads: ChainHead[]) {
  let runs = 0;
  let release: () => void = () => {};
  let held = false;
  let fail = false;
  const build = async (): Promise<HeadsTree> => {
    runs++;
    if (held) await new Promise<void>((resolve) => (release = resolve));
    if (fail) throw new Error('the database went away');
    return buildHeadsTree(heads);
  };
  return {
    build,
    runs: () => runs,
    hold: () => (held = true),
    release: () => release(),
    failNext: (yes: boolean) => (fail = yes),
  };
}

describe('the trees of sealed statements', () => {
  it('builds a statement’s tree once, for every proof under it', async () => {
    const trees = new StatementTrees();
    const a = builds([head(1), head(2), head(3)]);
    const first = await trees.tree('7', a.build);
    const again = await trees.tree('7', a.build);
    expect(a.runs()).toBe(1);
    expect(again).toBe(first);
    expect(again.proofFor(head(2).referralId)?.index).toBe(1);
  });

  it('shares one build between requests that arrive while it runs', async () => {
    const trees = new StatementTrees();
    const a = builds([head(1), head(2)]);
    a.hold();
    const asked = [trees.tree('7', a.build), trees.tree('7', a.build), trees.tree('7', a.build)];
    a.release();
    const [one, two, three] = await Promise.all(asked);
    expect(a.runs()).toBe(1);
    expect(two).toBe(one);
    expect(three).toBe(one);
  });

  it('keeps no failed build: the next request builds again', async () => {
    const trees = new StatementTrees();
    const a = builds([head(1)]);
    a.failNext(true);
    await expect(trees.tree('7', a.build)).rejects.toThrow('went away');
    a.failNext(false);
    const tree = await trees.tree('7', a.build);
    expect(a.runs()).toBe(2);
    expect(tree.size).toBe(1);
  });

  it('keeps the statements asked for last, and builds an evicted one again', async () => {
    const trees = new StatementTrees(2);
    const [s1, s2, s3] = [builds([head(1)]), builds([head(1), head(2)]), builds([head(3)])];
    await trees.tree('1', s1.build);
    await trees.tree('2', s2.build);
    await trees.tree('1', s1.build); // 1 asked for again: 2 is now the oldest
    await trees.tree('3', s3.build); // evicts 2
    await trees.tree('1', s1.build);
    await trees.tree('2', s2.build);
    expect([s1.runs(), s2.runs(), s3.runs()]).toEqual([1, 2, 1]);
  });

  it('keeps nothing with room for none', async () => {
    const trees = new StatementTrees(0);
    const a = builds([head(1)]);
    await trees.tree('7', a.build);
    await trees.tree('7', a.build);
    expect(a.runs()).toBe(2);
  });
});
