// Attack surface management: risks found on the organisation's public assets (hosts under the
// world's domain), each with a lifecycle: found (New Risk), re-rated, then resolved. One generator
// forked from the engine's seed drives it, so the alert streams are unchanged.
import { Rng } from '../random.ts';
import type { World } from '../world/types.ts';
import type { AsmFinding } from './types.ts';

const ASSETS = ['www', 'mail', 'vpn', 'portal', 'api', 'dev', 'staging', 'remote', 'sso', 'files'];
const RISKS: Array<{ title: string; description: string; ratings: string[] }> = [
  { title: 'Expired SSL Certificate', description: 'The TLS certificate presented by the asset has expired.', ratings: ['C', 'D'] },
  { title: 'Exposed Remote Desktop Service', description: 'RDP is reachable from the internet on the asset.', ratings: ['D', 'E', 'F'] },
  { title: 'Outdated Web Server Software', description: 'The web server banner reports a version with known vulnerabilities.', ratings: ['C', 'D', 'E'] },
  { title: 'Missing HTTP Strict Transport Security', description: 'The asset serves HTTPS without an HSTS header.', ratings: ['B', 'C'] },
  { title: 'Open Directory Listing', description: 'A web directory on the asset lists its files.', ratings: ['C', 'D'] },
  { title: 'Lookalike Domain Registered', description: 'A domain resembling the organisation’s was registered recently.', ratings: ['D', 'E'] },
  { title: 'Weak TLS Configuration', description: 'The asset accepts TLS 1.0 or weak cipher suites.', ratings: ['B', 'C', 'D'] },
];
const RATINGS = ['A', 'B', 'C', 'D', 'E', 'F'];
const HOUR = 3_600_000;

export class AsmGenerator {
  private readonly rng: Rng;
  private nextRisk = 0;

  constructor(
    private readonly world: World,
    seed: number,
    /** Findings per hour (default 2). */
    readonly perHour = 2,
  ) {
    this.rng = new Rng(`asm:${seed}`);
  }

  /** When the next risk is found after `from`. */
  nextAt(from: number): number {
    return from + Math.max(1000, Math.floor(this.rng.exponential(HOUR / this.perHour)));
  }

  /** A new risk at `at`: its first event and the later ones (re-rating, resolution), in time order. */
  plan(at: number): AsmFinding[] {
    const rng = this.rng;
    const riskId = 4000 + ++this.nextRisk;
    const assetIndex = rng.int(0, ASSETS.length - 1);
    const assetName = `${ASSETS[assetIndex]}.${this.world.domain}`;
    const assetId = 100 + assetIndex;
    const risk = rng.pick(RISKS);
    const base = this.world.instanceUrl.replace(/\/+$/, '');
    const common = {
      riskId,
      assetId,
      assetName,
      alertTitle: risk.title,
      description: `${risk.description} Asset: ${assetName}.`,
      assetUri: `${base}/asm/#/assets/${assetId}`,
      riskUri: `${base}/asm/#/risks/${riskId}`,
      workbenchUri: `${base}/asm/#/workbench/${riskId}`,
      startTimestamp: Math.floor(at / 1000),
    };
    const first = rng.pick(risk.ratings);
    const events: AsmFinding[] = [
      { ...common, id: `${riskId}-1`, alertType: 'New Risk', action: 'created', state: 'Open', rating: first, previousRating: '', timestamp: Math.floor(at / 1000), endTimestamp: null },
    ];
    let rating = first;
    let t = at;
    if (rng.chance(0.3)) {
      t += rng.int(HOUR / 2, 6 * HOUR);
      const worse = RATINGS[Math.min(RATINGS.length - 1, RATINGS.indexOf(rating) + 1)]!;
      events.push({ ...common, id: `${riskId}-2`, alertType: 'Rating Change', action: 'updated', state: 'Open', rating: worse, previousRating: rating, timestamp: Math.floor(t / 1000), endTimestamp: null });
      rating = worse;
    }
    if (rng.chance(0.5)) {
      t += rng.int(HOUR, 12 * HOUR);
      events.push({ ...common, id: `${riskId}-${events.length + 1}`, alertType: 'Risk Resolved', action: 'resolved', state: 'Resolved', rating: 'A', previousRating: rating, timestamp: Math.floor(t / 1000), endTimestamp: Math.floor(t / 1000) });
    }
    return events;
  }
}
