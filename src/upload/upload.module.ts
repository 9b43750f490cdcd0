import { Module } from '@nestjs/common';
import { AudioUploadInterceptor } from './audio-upload.interceptor';
import { ContentSniffer } from './content-sniffer';
import { UploadFiles } from './upload-files';

@Module({
  providers: [AudioUploadInterceptor, ContentSniffer, UploadFiles],
  exports: [AudioUploadInterceptor, ContentSniffer, UploadFiles],
})
export class UploadModule {}
