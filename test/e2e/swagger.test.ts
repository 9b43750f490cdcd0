import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type RunningServer, startServer } from './support/server-process';

const chromium = ['chromium', 'chromium-browser'].find((name) => {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

interface OpenApi {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: {
    schemas: Record<string, { properties: Record<string, Record<string, unknown>>; required?: string[] }>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
}

describe('Swagger UI and the OpenAPI document', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ APP_ROLE: 'api' });
  });
  after(async () => server?.stop());

  test('/docs-json documents both endpoints, every form field with its default, and the bearer scheme', async () => {
    const response = await fetch(`${server.baseUrl}/docs-json`);
    assert.equal(response.status, 200);
    const doc = (await response.json()) as OpenApi;
    const transcribe = doc.paths['/transcribe'].post as {
      requestBody: { content: Record<string, { schema: { $ref: string } }> };
      security: unknown[];
      responses: Record<string, unknown>;
    };
    const ref = transcribe.requestBody.content['multipart/form-data'].schema.$ref;
    const form = doc.components.schemas[ref.split('/').pop() as string];
    assert.deepEqual(form.properties.file, {
      type: 'string',
      format: 'binary',
      description: 'The audio or video file (one of the 12 accepted formats)',
    });
    assert.equal(form.properties.speaker_count.default, 2);
    assert.equal(form.properties.temperature.default, 0);
    assert.equal(form.properties.no_speech_threshold.default, 0.6);
    assert.equal(form.properties.initial_prompt.default, '다음은 한국어 대화입니다.');
    assert.ok((form.properties.language.enum as string[]).includes('ko'));
    assert.deepEqual(transcribe.security, [{ bearer: [] }]);
    for (const status of ['200', '400', '401', '413', '415']) assert.ok(transcribe.responses[status], status);
    const result = doc.paths['/result/{task_id}'].get as {
      responses: { 200: { content: { 'application/json': { schema: { oneOf: unknown[] } } } } };
    };
    assert.equal(result.responses[200].content['application/json'].schema.oneOf.length, 4);
    assert.deepEqual(doc.components.securitySchemes.bearer.scheme, 'bearer');
  });

  test("the completed answer's schema shows the optional warnings list with an example", async () => {
    const doc = (await (await fetch(`${server.baseUrl}/docs-json`)).json()) as OpenApi;
    const completed = doc.components.schemas.CompletedResultDto;
    const warnings = completed.properties.warnings as {
      type: string;
      items: { type: string };
      example: string[];
    };
    assert.equal(warnings.type, 'array');
    assert.equal(warnings.items.type, 'string');
    assert.match(warnings.example[0], /^decoded .* s of the .* s the file declares/);
    assert.ok(!(completed.required ?? []).includes('warnings'), 'optional: absent when nothing is wrong');
  });

  test('/docs serves Swagger UI', async () => {
    const response = await fetch(`${server.baseUrl}/docs`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /swagger-ui/i);
  });

  test(
    'a real headless browser renders /docs with the /transcribe operation',
    { skip: chromium ? false : 'chromium is not installed' },
    async () => {
      const profile = mkdtempSync(path.join(tmpdir(), 'e2e-chromium-'));
      try {
        const { stdout } = await promisify(execFile)(
          chromium as string,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            `--user-data-dir=${profile}`,
            '--virtual-time-budget=15000',
            '--dump-dom',
            `${server.baseUrl}/docs`,
          ],
          { timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
        );
        assert.match(stdout, /opblock-summary-path[^>]*data-path="\/transcribe"/);
        assert.match(stdout, /data-path="\/result\/\{task_id\}"/);
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  );
});
