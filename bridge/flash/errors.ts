// The one error type of flash, provision and detect: a one-line message a user can act on; the
// CLI prints it and exits 2.

export class FlashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlashError';
  }
}
