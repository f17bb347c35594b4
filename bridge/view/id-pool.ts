// Small integer ids for keys (pod uids, workload revisions, lanes), stable while the key lives
// and reused, lowest first, once it is gone, so handles stay small and deltas a few bytes.

export class IdPool {
  private readonly ids = new Map<string, number>();
  private readonly free: number[] = [];
  private next = 0;
  /** Keys refused because the id space was full; counted, never silently lost. */
  exhausted = 0;

  constructor(private readonly max: number) {}

  get(key: string): number | undefined {
    let id = this.ids.get(key);
    if (id !== undefined) return id;
    if (this.free.length > 0) {
      this.free.sort((a, b) => b - a);
      id = this.free.pop()!;
    } else if (this.next <= this.max) id = this.next++;
    else {
      this.exhausted++;
      return undefined;
    }
    this.ids.set(key, id);
    return id;
  }

  /** The id of a key, without handing out a new one. */
  peek(key: string): number | undefined {
    return this.ids.get(key);
  }

  /** Releases every key not in `live`. */
  retain(live: Set<string>): void {
    for (const [key, id] of this.ids) {
      if (!live.has(key)) {
        this.ids.delete(key);
        this.free.push(id);
      }
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
