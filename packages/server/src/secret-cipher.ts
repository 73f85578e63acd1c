// Secrets at rest (Slack tokens, plan artifacts): AES-256-GCM with LIFTOFF_ENCRYPTION_KEY. A fresh 96-bit IV per
// value; the purpose is bound as associated data so a ciphertext cannot be moved into another column (or another
// run's artifact, or another position in it) and still decrypt. Shared by the adapters and storage, so it lives
// beside config.ts rather than in one of them (docs/architecture.md).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the encryption key must be 32 bytes');
  }

  /** Text in, text out (`v1:iv:tag:body`, base64 parts): for values kept in text columns. */
  encrypt(plaintext: string, purpose: string): string {
    const sealed = this.seal(Buffer.from(plaintext, 'utf8'), purpose);
    return [
      VERSION,
      sealed.subarray(0, IV_BYTES).toString('base64'),
      sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES).toString('base64'),
      sealed.subarray(IV_BYTES + TAG_BYTES).toString('base64'),
    ].join(':');
  }

  /** Throws (without echoing the value) when the key is wrong or the ciphertext was altered. */
  decrypt(stored: string, purpose: string): string {
    const [version, iv, tag, body] = stored.split(':');
    if (version !== VERSION || !iv || !tag || body === undefined)
      throw new Error('stored secret has an unknown format');
    return this.open(
      Buffer.concat([Buffer.from(iv, 'base64'), Buffer.from(tag, 'base64'), Buffer.from(body, 'base64')]),
      purpose,
    ).toString('utf8');
  }

  /** Bytes in, bytes out (iv ‖ tag ‖ ciphertext): for binary columns. */
  seal(plaintext: Uint8Array, purpose: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(purpose, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /** The inverse of `seal`; throws like `decrypt`. */
  open(sealed: Uint8Array, purpose: string): Buffer {
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('stored secret has an unknown format');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(purpose, 'utf8'));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error(
        'stored secret cannot be decrypted: LIFTOFF_ENCRYPTION_KEY changed or the data was altered',
      );
    }
  }
}
