// WLED's JSON API: GET /json/info says how many LEDs the controller drives (leds.count), its
// name and version. The count becomes the local board's LED count unless the config sets one.

export interface WledInfo {
  name: string;
  version: string;
  ledCount: number;
}

export async function wledInfo(baseUrl: string, timeoutMs = 3000): Promise<WledInfo> {
  const url = `${baseUrl.replace(/\/$/, '')}/json/info`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new Error(`WLED at ${url} does not answer: ${(err as Error).message}`);
  }
  if (!res.ok) throw new Error(`WLED at ${url} answered HTTP ${res.status}`);
  const body = (await res.json().catch(() => undefined)) as { name?: unknown; ver?: unknown; leds?: { count?: unknown } } | undefined;
  const count = body?.leds?.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw new Error(`${url} has no leds.count: is it a WLED controller?`);
  return { name: typeof body?.name === 'string' ? body.name : '', version: typeof body?.ver === 'string' ? body.ver : '', ledCount: count };
}
