import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AcceptedUpload, RequestWithUpload } from './audio-upload.interceptor';

/** The upload that AudioUploadInterceptor received and checked. */
export const UploadedAudio = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AcceptedUpload => {
    const upload = context.switchToHttp().getRequest<RequestWithUpload>().acceptedUpload;
    if (!upload) throw new Error('UploadedAudio needs AudioUploadInterceptor on the route');
    return upload;
  },
);
