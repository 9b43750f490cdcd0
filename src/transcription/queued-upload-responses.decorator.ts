import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { ErrorBodyDto } from '../common/error-body.dto';
import { TaskCreatedDto } from './dto/task-created.dto';

/** The answers of an upload that queues a task (POST /transcribe, POST /diarize), for Swagger. */
export function QueuedUploadResponses(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiOkResponse({ type: TaskCreatedDto, description: 'Queued' }),
    ApiBadRequestResponse({
      type: ErrorBodyDto,
      description: 'No file, an empty file, or invalid form fields',
    }),
    ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'Missing or invalid token' }),
    ApiPayloadTooLargeResponse({ type: ErrorBodyDto, description: 'Larger than MAX_UPLOAD_BYTES' }),
    ApiUnsupportedMediaTypeResponse({ type: ErrorBodyDto, description: 'Not one of the accepted formats' }),
  );
}
