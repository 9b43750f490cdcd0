import path from 'node:path';
import {
  BadRequestException,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { newTaskId } from '../jobs/task-id';
import { acceptedFormatOf } from './accepted-formats';
import { ContentSniffer } from './content-sniffer';
import { unsupportedContent, uploadErrorToHttp } from './upload-errors';
import { UploadFiles } from './upload-files';

/** An upload that passed every check: stored on disk under its task id, of an accepted format. */
export interface AcceptedUpload {
  taskId: string;
  filePath: string;
  size: number;
  format: string;
  originalName: string;
}

export interface RequestWithUpload extends Request {
  taskId?: string;
  acceptedUpload?: AcceptedUpload;
}

/**
 * Receives the multipart form's `file` with multer (streamed to disk), then checks it: present,
 * not empty, and of an accepted format by its content. Any refusal, here or later in the request
 * (validation of the other fields, enqueueing), deletes the stored file.
 */
@Injectable()
export class AudioUploadInterceptor implements NestInterceptor {
  private readonly receive: RequestHandler;
  private readonly maxBytes: number;

  constructor(
    config: AppConfig,
    private readonly files: UploadFiles,
    private readonly sniffer: ContentSniffer,
  ) {
    this.maxBytes = config.upload.maxBytes;
    const storage = multer.diskStorage({
      destination: files.dir,
      filename: (request, _file, callback) => {
        const withId = request as RequestWithUpload;
        withId.taskId ??= newTaskId();
        callback(null, withId.taskId);
      },
    });
    this.receive = multer({
      storage,
      limits: { fileSize: this.maxBytes, files: 1, fields: 16, fieldSize: 64 * 1024, parts: 20 },
    }).single('file');
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithUpload>();
    try {
      await this.receiveForm(request, http.getResponse<Response>());
    } catch (error) {
      // A write that failed midway (disk full) must not leave its partial file behind.
      if (request.taskId) await this.files.remove(path.join(this.files.dir, request.taskId));
      throw error;
    }
    const file = request.file;
    if (!file || !request.taskId) {
      throw new BadRequestException('no file: send the audio as the multipart/form-data field "file"');
    }
    try {
      request.acceptedUpload = await this.check(request.taskId, file);
    } catch (error) {
      await this.files.remove(file.path);
      throw error;
    }
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          from(this.files.remove(file.path)).pipe(mergeMap(() => throwError(() => error))),
        ),
      );
  }

  private receiveForm(request: Request, response: Response): Promise<void> {
    return new Promise((resolve, reject) => {
      this.receive(request, response, (error?: unknown) => {
        if (error) reject(uploadErrorToHttp(error, this.maxBytes));
        else resolve();
      });
    });
  }

  private async check(taskId: string, file: Express.Multer.File): Promise<AcceptedUpload> {
    if (file.size === 0) throw new BadRequestException('the uploaded file is empty');
    const detected = await this.sniffer.sniff(file.path);
    const format = detected ? acceptedFormatOf(detected.ext) : null;
    if (!format) throw unsupportedContent(detected);
    return { taskId, filePath: file.path, size: file.size, format, originalName: file.originalname };
  }
}
