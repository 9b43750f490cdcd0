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
import { MediaUrlFetcher } from './media-url.fetcher';
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

/** The file as checked, whether multer received it or it was fetched from audio_url. */
interface StoredMedia {
  path: string;
  size: number;
  originalname: string;
}

/**
 * Receives the multipart form's `file` with multer (streamed to disk), or fetches the form's
 * `audio_url` (MediaUrlFetcher), then checks it: present, not empty, and of an accepted format by
 * its content. Any refusal, here or later in the request (validation of the other fields,
 * enqueueing), deletes the stored file.
 */
@Injectable()
export class AudioUploadInterceptor implements NestInterceptor {
  private readonly receive: RequestHandler;
  private readonly maxBytes: number;

  constructor(
    config: AppConfig,
    private readonly files: UploadFiles,
    private readonly sniffer: ContentSniffer,
    private readonly mediaUrls: MediaUrlFetcher,
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
      // About 20 form fields exist, and `hotwords` may be repeated up to 20 times: room for all of them,
      // still bounded (each field at most 64 KiB).
      limits: { fileSize: this.maxBytes, files: 1, fields: 48, fieldSize: 64 * 1024, parts: 50 },
      // Browsers and curl send a file name's UTF-8 bytes as they are (GET /tasks shows the name).
      defParamCharset: 'utf8',
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
    let file: StoredMedia | undefined = request.file;
    try {
      const audioUrl = audioUrlOf(request.body);
      if (file && audioUrl !== undefined) {
        throw new BadRequestException('send either a file or audio_url, not both');
      }
      if (!file && audioUrl !== undefined) file = await this.fetch(request, audioUrl, http.getResponse());
      if (!file || !request.taskId) {
        const orUrl = this.mediaUrls.enabled ? ' (or its URL as the field "audio_url")' : '';
        throw new BadRequestException(
          `no file: send the audio as the multipart/form-data field "file"${orUrl}`,
        );
      }
      request.acceptedUpload = await this.check(request.taskId, file);
    } catch (error) {
      if (file) await this.files.remove(file.path);
      throw error;
    }
    const stored = file;
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          from(this.files.remove(stored.path)).pipe(mergeMap(() => throwError(() => error))),
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

  /** audio_url's media, stored as an upload would be; stops fetching if the client goes away. */
  private async fetch(request: RequestWithUpload, url: string, response: Response): Promise<StoredMedia> {
    request.taskId ??= newTaskId();
    const filePath = path.join(this.files.dir, request.taskId);
    const gone = new AbortController();
    const onClose = (): void => {
      if (!response.writableFinished) gone.abort();
    };
    response.once('close', onClose);
    try {
      const fetched = await this.mediaUrls.fetch(url, filePath, gone.signal);
      return { path: filePath, size: fetched.size, originalname: fetched.fileName ?? '' };
    } finally {
      response.off('close', onClose);
    }
  }

  private async check(taskId: string, file: StoredMedia): Promise<AcceptedUpload> {
    if (file.size === 0) throw new BadRequestException('the uploaded file is empty');
    const detected = await this.sniffer.sniff(file.path);
    const format = detected ? acceptedFormatOf(detected.ext) : null;
    if (!format) throw unsupportedContent(detected);
    return { taskId, filePath: file.path, size: file.size, format, originalName: file.originalname };
  }
}

/** The form's audio_url: absent or blank is none; anything but text is a 400. */
function audioUrlOf(body: unknown): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.audio_url;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new BadRequestException('audio_url must be a URL');
  return value.trim() === '' ? undefined : value.trim();
}
