/**
 * Payload encryption: keys (`keys.ts`), the AES-256-GCM codec (`encryption-codec.ts`), the data
 * converter every client and worker uses, and the remote codec server for the Web UI (`server.ts`).
 */
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';
import type { CodecSettings } from './keys';

export * from './encryption-codec';
export * from './keys';

/** The codec for configured keys, or undefined when payloads are not encrypted. */
export function payloadCodecFor(config: { readonly codec?: CodecSettings }): EncryptionCodec | undefined {
  return config.codec ? new EncryptionCodec(config.codec.keys) : undefined;
}

/** The data converter for clients and workers: the SDK's defaults plus the codec when keys are configured. */
export function dataConverterFor(config: { readonly codec?: CodecSettings }): DataConverter | undefined {
  const codec = payloadCodecFor(config);
  return codec ? { payloadCodecs: [codec] } : undefined;
}
