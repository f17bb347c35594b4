// Reads the MQTT fixed header of every packet a client sends (MQTT 3.1.1 section 2.2: a type
// byte, then the remaining length in 1-4 bytes of 7 bits) and stops a connection whose next
// packet is declared larger than its current limit, before the broker buffers it. aedes has no
// size limit of its own and buffers a whole packet before it looks at it: one CONNECT that
// declares 250 MB would cost 250 MB per connection, before anyone was authenticated.

export class PacketGuard {
  /** Bytes of the current packet's body still to skip. */
  private skip = 0;
  /** Remaining-length bytes read so far of the current header, and their value. */
  private lengthBytes = -1;
  private length = 0;
  private multiplier = 1;

  /**
   * @param limit the largest remaining length allowed now (it changes once the client is known)
   * @param refuse called once with the declared size when a packet is over the limit, or with
   *   NaN for a malformed length
   */
  constructor(
    private readonly limit: () => number,
    private readonly refuse: (declared: number) => void,
  ) {}

  private refused = false;

  /** Feeds the bytes the socket delivered, in order. */
  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length && !this.refused) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
      } else if (this.lengthBytes < 0) {
        // The type-and-flags byte.
        this.lengthBytes = 0;
        this.length = 0;
        this.multiplier = 1;
        i += 1;
      } else {
        const b = chunk[i++];
        this.length += (b & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes += 1;
        if ((b & 0x80) !== 0) {
          if (this.lengthBytes === 4) return this.stop(NaN);
          continue;
        }
        if (this.length > this.limit()) return this.stop(this.length);
        this.skip = this.length;
        this.lengthBytes = -1;
      }
    }
  }

  private stop(declared: number): void {
    this.refused = true;
    this.refuse(declared);
  }
}
