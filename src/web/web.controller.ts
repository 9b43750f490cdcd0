import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CONTRACT_LANGUAGES } from '../transcription/languages';
import { WEB_FILES, webRoot } from './web-files';

/**
 * The single web page at / and its two assets under /web/. All URLs in it are relative, so it
 * works unchanged behind a reverse proxy, under a sub-path too. No auth: the page holds no data;
 * the token a person pastes stays in the browser and goes with each API request.
 */
@ApiExcludeController()
@Controller()
export class WebController {
  private readonly root = webRoot();

  @Get()
  page(@Res() response: Response): void {
    this.send('index.html', response);
  }

  /** The form's language choices: the contract's list, so that the page never offers a 400. */
  @Get('web/languages.json')
  languages(): readonly string[] {
    return CONTRACT_LANGUAGES;
  }

  @Get('web/:file')
  asset(@Param('file') file: string, @Res() response: Response): void {
    if (file === 'index.html' || !Object.hasOwn(WEB_FILES, file)) throw new NotFoundException();
    this.send(file, response);
  }

  private send(file: string, response: Response): void {
    response.setHeader('Content-Type', WEB_FILES[file]);
    // Revalidated on each load (Last-Modified), so that an upgraded server's page is seen at once.
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; media-src 'self' blob:; img-src 'self' data:; style-src 'self'; script-src 'self'",
    );
    response.sendFile(file, { root: this.root, lastModified: true, etag: false });
  }
}
