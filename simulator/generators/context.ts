// What every generator needs: the world, the catalogue, and the id allocators. Ids are per
// simulator instance and advance only in generation order, so a seed reproduces them.
import type { Catalogue } from '../catalogue/models.ts';
import type { World } from '../world/types.ts';
import type { Rng } from '../random.ts';

export class IdAllocator {
  pbid: number;
  cbid: number;
  campaign: number;
  constructor(rng: Rng) {
    this.pbid = rng.int(20000, 30000);
    this.cbid = rng.int(1, 5000);
    this.campaign = rng.int(100, 900);
  }
  nextPbid(): number {
    return ++this.pbid;
  }
  nextCbid(): number {
    return ++this.cbid;
  }
  nextCampaign(): number {
    return ++this.campaign;
  }
}

export interface GenContext {
  world: World;
  catalogue: Catalogue;
  ids: IdAllocator;
}
