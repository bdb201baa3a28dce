/**
 * FIFO of byte arrays that hands out fixed-size pieces. Parts are consumed by moving an index rather than
 * shifting an array, so a stream fed one byte at a time stays linear.
 */
export class ByteQueue {
  private parts: Uint8Array[] = [];
  private first = 0;
  private offset = 0;
  length = 0;

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  /** The first `n` bytes (n ≤ length), removed from the queue; a view, not a copy, when one part holds them. */
  take(n: number): Uint8Array {
    const head = this.parts[this.first];
    if (head && head.length - this.offset >= n) {
      const out = head.subarray(this.offset, this.offset + n);
      this.advance(n);
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const part = this.parts[this.first]!;
      const piece = part.subarray(this.offset, this.offset + Math.min(n - filled, part.length - this.offset));
      out.set(piece, filled);
      filled += piece.length;
      this.advance(piece.length);
    }
    return out;
  }

  /** All queued bytes as one array, without removing them; a copy only when they span parts. */
  peekAll(): Uint8Array {
    if (this.parts.length - this.first === 1) return this.parts[this.first]!.subarray(this.offset);
    const all = this.take(this.length);
    this.push(all);
    return all;
  }

  private advance(n: number): void {
    this.length -= n;
    this.offset += n;
    if (this.offset === this.parts[this.first]!.length) {
      this.first++;
      this.offset = 0;
      // Compact now and then so consumed parts can be collected.
      if (this.first > 1024 || this.first === this.parts.length) {
        this.parts = this.parts.slice(this.first);
        this.first = 0;
      }
    }
  }
}
