import { Injectable } from '@nestjs/common';
import { fileTypeFromFile } from 'file-type';

export interface SniffedType {
  ext: string;
  mime: string;
}

/** Reads the first bytes of a stored upload and says what it really is (file-type's magic numbers). */
@Injectable()
export class ContentSniffer {
  async sniff(filePath: string): Promise<SniffedType | null> {
    const detected = await fileTypeFromFile(filePath);
    return detected ? { ext: detected.ext, mime: detected.mime } : null;
  }
}
