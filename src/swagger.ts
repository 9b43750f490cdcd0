import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Swagger UI at /docs and the OpenAPI document at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Speech server')
    .setDescription(
      'Whisper transcription with speaker diarization. Upload a file to POST /transcribe, then poll ' +
        'GET /result/{task_id} until it is completed or failed; a finished result is delivered once.',
    )
    .setVersion('1.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'A JWT signed with HS256 and JWT_SECRET (`npm run -s cli -- token SUBJECT`), or TEST_TOKEN. ' +
        'The Authorization header may carry the token bare or as "Bearer <token>".',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true, tryItOutEnabled: true, deepLinking: true },
  });
}
