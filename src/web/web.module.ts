import { Module } from '@nestjs/common';
import { WebController } from './web.controller';

/** The page at / (API role): upload, live progress and text, then the result to read, play and download. */
@Module({ controllers: [WebController] })
export class WebModule {}
