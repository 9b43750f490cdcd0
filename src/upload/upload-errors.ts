import {
  BadRequestException,
  HttpException,
  HttpStatus,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { MulterError } from 'multer';
import { ACCEPTED_FORMAT_NAMES } from './accepted-formats';
import type { SniffedType } from './content-sniffer';

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

export function unsupportedContent(detected: SniffedType | null): UnsupportedMediaTypeException {
  const what = detected ? `${detected.mime} (${detected.ext})` : 'unknown content';
  return new UnsupportedMediaTypeException({
    detail: `unsupported file content: detected ${what}; accepted: ${ACCEPTED_FORMAT_NAMES.join(', ')}`,
    detected: detected?.mime ?? null,
    accepted: ACCEPTED_FORMAT_NAMES,
  });
}

/** multer's and busboy's errors as the client should see them. */
export function uploadErrorToHttp(error: unknown, maxBytes: number): Error {
  if (error instanceof MulterError) {
    switch (error.code) {
      case 'LIMIT_FILE_SIZE':
        return new PayloadTooLargeException(
          `the file is larger than the limit of ${formatBytes(maxBytes)} (MAX_UPLOAD_BYTES)`,
        );
      case 'LIMIT_UNEXPECTED_FILE':
        return new BadRequestException(
          `unexpected file field "${error.field ?? ''}": send exactly one file, in the field "file"`,
        );
      case 'LIMIT_FILE_COUNT':
        return new BadRequestException('send exactly one file, in the field "file"');
      default:
        return new BadRequestException(`malformed multipart form: ${error.message}`);
    }
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    // The server's fault, not the request's: 507, so that a client may retry later.
    return new HttpException(
      'the server has no room left to store the upload; try again later',
      HttpStatus.INSUFFICIENT_STORAGE,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BadRequestException(`malformed multipart form: ${message}`);
}
