import { applyDecorators, HttpCode, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiConsumes } from '@nestjs/swagger';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { AudioUploadInterceptor } from './audio-upload.interceptor';

/**
 * A POST route taking one audio file as multipart form data from an authenticated caller: token
 * check, then the upload pipeline (streamed to disk, sniffed, size-limited); answers 200.
 */
export function AudioUploadRoute(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    HttpCode(200),
    UseGuards(ApiAuthGuard),
    UseInterceptors(AudioUploadInterceptor),
    ApiConsumes('multipart/form-data'),
  );
}
