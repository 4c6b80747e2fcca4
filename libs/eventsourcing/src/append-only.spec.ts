import fc from 'fast-check';
import { appendOnlySet, listItems, listWith, setHas, setMembers, setWith, type GrowingList, type GrowingSet } from './append-only';

// Every version answers like an immutable copy would, whichever versions are grown and in whatever order (forks too).
describe('append-only versions', () => {
  it('a set version sees exactly the members added along its own history', () =>
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 80 }), (steps) => {
        const versions: { set: GrowingSet<number>; model: ReadonlySet<number> }[] = [{ set: appendOnlySet<number>(), model: new Set() }];
        versions.push({ set: new Set([100, 101]), model: new Set([100, 101]) }); // a plain set, as an old snapshot holds
        for (const [pick, member] of steps) {
          const from = versions[pick % versions.length];
          versions.push({ set: setWith(from.set, member), model: new Set([...from.model, member]) });
        }
        for (const { set, model } of versions) {
          expect(new Set(setMembers(set))).toEqual(model);
          expect(set.size).toBe(model.size);
          for (let member = 0; member <= 20; member += 1) expect(setHas(set, member)).toBe(model.has(member));
        }
      }),
    ));

  it('a list version sees exactly the items appended along its own history', () =>
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer()), { maxLength: 80 }), (steps) => {
        const versions: { list: GrowingList<number>; model: readonly number[] }[] = [{ list: [], model: [] }, { list: [7], model: [7] }];
        for (const [pick, item] of steps) {
          const from = versions[pick % versions.length];
          versions.push({ list: listWith(from.list, item), model: [...from.model, item] });
        }
        for (const { list, model } of versions) expect([...listItems(list)]).toEqual(model);
      }),
    ));
});
