// Decode errors are values, not exceptions: the firmware path must keep running on any input,
// and Lua/Espruino exceptions are costly. Each error names the byte offset where decoding
// stopped and a reason a person can read in a log.
// Portable subset.

/** Machine-readable error codes (stable: tests, logs and counters key on them). */
export const ERR = {
  /** Fewer bytes than a header and a CRC. */
  TRUNCATED: 'truncated',
  BAD_MAGIC: 'bad-magic',
  BAD_VERSION: 'bad-version',
  /** The frame is longer than the receiver's max frame size. */
  TOO_LARGE: 'too-large',
  BAD_CRC: 'bad-crc',
  /** A message's length runs past the end of the frame. */
  BAD_LENGTH: 'bad-length',
  /** A known message's payload ends before one of its fields. */
  SHORT_MESSAGE: 'short-message',
  TOO_MANY_MESSAGES: 'too-many-messages',
  /** Stream framing: the COBS encoding is broken. */
  BAD_COBS: 'bad-cobs',
  /** Stream framing: a frame grew past the limit before its delimiter came. */
  OVERFLOW: 'overflow',
};

export interface DecodeError {
  ok: false;
  code: string;
  /** Byte offset in the input where decoding stopped. */
  offset: number;
  reason: string;
}

export function decodeError(code: string, offset: number, reason: string): DecodeError {
  return { ok: false, code: code, offset: offset, reason: reason + ' at byte ' + offset };
}
