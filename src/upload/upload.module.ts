import { Module } from '@nestjs/common';
import { AudioUploadInterceptor } from './audio-upload.interceptor';
import { ContentSniffer } from './content-sniffer';
import { MediaUrlFetcher } from './media-url.fetcher';
import { UploadFiles } from './upload-files';

@Module({
  providers: [AudioUploadInterceptor, ContentSniffer, MediaUrlFetcher, UploadFiles],
  exports: [AudioUploadInterceptor, ContentSniffer, MediaUrlFetcher, UploadFiles],
})
export class UploadModule {}
