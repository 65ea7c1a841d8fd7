/**
 * New moons and the sun's longitude after Jean Meeus, Astronomical Algorithms (2nd ed.), ch. 49 (phases of
 * the moon, within a minute) and ch. 25 (the sun, low accuracy: within about 0.01°, a quarter of an hour
 * at a solar term). Enough to check a table of dates in Beijing time independently of where it was copied
 * from; the closest calls in 2025–2040 are the new moons of 2027-02-06 23:56 and 2030-02-03 00:07.
 */
const RAD = Math.PI / 180;
const sin = (degrees: number) => Math.sin(degrees * RAD);
/** TT − UT, about 69–75 s in these years. */
const DELTA_T_DAYS = 70 / 86_400;
const SYNODIC_MONTH = 29.530588861;
const JD_UNIX_EPOCH = 2_440_587.5;

const fromJd = (jd: number) => new Date((jd - JD_UNIX_EPOCH) * 86_400_000);
const toJd = (at: Date) => at.getTime() / 86_400_000 + JD_UNIX_EPOCH;

// biome-ignore format: Meeus table 49.A (new moon) and the planetary arguments, as printed
function newMoonByNumber(k: number): Date {
  const T = k / 1236.85;
  const E = 1 - 0.002516 * T - 0.0000074 * T * T;
  const M = 2.5534 + 29.1053567 * k - 0.0000014 * T * T;
  const Mp = 201.5643 + 385.81693528 * k + 0.0107582 * T * T + 0.00001238 * T ** 3;
  const F = 160.7108 + 390.67050284 * k - 0.0016118 * T * T - 0.00000227 * T ** 3;
  const O = 124.7746 - 1.56375588 * k + 0.0020672 * T * T;
  let jde = 2451550.09766 + SYNODIC_MONTH * k + 0.00015437 * T * T;
  jde += -0.4072 * sin(Mp) + 0.17241 * E * sin(M) + 0.01608 * sin(2 * Mp) + 0.01039 * sin(2 * F)
    + 0.00739 * E * sin(Mp - M) - 0.00514 * E * sin(Mp + M) + 0.00208 * E * E * sin(2 * M)
    - 0.00111 * sin(Mp - 2 * F) - 0.00057 * sin(Mp + 2 * F) + 0.00056 * E * sin(2 * Mp + M)
    - 0.00042 * sin(3 * Mp) + 0.00042 * E * sin(M + 2 * F) + 0.00038 * E * sin(M - 2 * F)
    - 0.00024 * E * sin(2 * Mp - M) - 0.00017 * sin(O) - 0.00007 * sin(Mp + 2 * M)
    + 0.00004 * sin(2 * Mp - 2 * F) + 0.00004 * sin(3 * M) + 0.00003 * sin(Mp + M - 2 * F)
    + 0.00003 * sin(2 * Mp + 2 * F) - 0.00003 * sin(Mp + M + 2 * F) + 0.00003 * sin(Mp - M + 2 * F)
    - 0.00002 * sin(Mp - M - 2 * F) - 0.00002 * sin(3 * Mp + M) + 0.00002 * sin(4 * Mp);
  const planetary: [number, number, number][] = [
    [325, 299.77 + 0.107408 * k - 0.009173 * T * T, 0], [165, 251.88, 0.016321], [164, 251.83, 26.651886],
    [126, 349.42, 36.412478], [110, 84.66, 18.206239], [62, 141.74, 53.303771], [60, 207.14, 2.453732],
    [56, 154.84, 7.30686], [47, 34.52, 27.261239], [42, 207.19, 0.121824], [40, 291.34, 1.844379],
    [37, 161.72, 24.198154], [35, 239.56, 25.513099], [23, 331.55, 3.592518],
  ];
  for (const [micro, base, rate] of planetary) jde += micro * 1e-6 * sin(base + rate * k);
  return fromJd(jde - DELTA_T_DAYS);
}

/** The new moon nearest to an instant. */
export function nearestNewMoon(at: Date): Date {
  return newMoonByNumber(Math.round((toJd(at) - 2451550.09766) / SYNODIC_MONTH));
}

/** The number of lunations from one new moon to another (both as returned by `nearestNewMoon`). */
export function lunationsBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / (SYNODIC_MONTH * 86_400_000));
}

/** The sun's apparent ecliptic longitude in degrees (Meeus ch. 25, low accuracy). */
export function sunLongitude(at: Date): number {
  const T = (toJd(at) + DELTA_T_DAYS - 2451545) / 36525;
  const L0 = 280.46646 + 36000.76983 * T + 0.0003032 * T * T;
  const M = 357.52911 + 35999.05029 * T - 0.0001537 * T * T;
  const C =
    (1.914602 - 0.004817 * T) * sin(M) + (0.019993 - 0.000101 * T) * sin(2 * M) + 0.000289 * sin(3 * M);
  const omega = 125.04 - 1934.136 * T;
  return (((L0 + C - 0.00569 - 0.00478 * sin(omega)) % 360) + 360) % 360;
}

/** The instant the sun reaches `longitude` degrees, searched within ten days from `near`. */
export function solarTerm(longitude: number, near: Date): Date {
  const behind = (t: number) => ((sunLongitude(new Date(t)) - longitude + 540) % 360) - 180 < 0;
  let lo = near.getTime() - 5 * 86_400_000;
  let hi = near.getTime() + 5 * 86_400_000;
  while (hi - lo > 1000) {
    const mid = (lo + hi) / 2;
    if (behind(mid)) lo = mid;
    else hi = mid;
  }
  return new Date(hi);
}
