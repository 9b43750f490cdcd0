import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BadRequestException } from '@nestjs/common';
import { createValidationPipe } from '../../src/common/validation';
import { TranscribeRequestDto } from '../../src/transcription/dto/transcribe-request.dto';

const pipe = createValidationPipe();
const validate = (body: Record<string, unknown>): Promise<TranscribeRequestDto> =>
  pipe.transform(body, { type: 'body', metatype: TranscribeRequestDto });

async function fieldErrors(body: Record<string, unknown>): Promise<Record<string, string[]>> {
  try {
    await validate(body);
  } catch (error) {
    return ((error as BadRequestException).getResponse() as { errors: Record<string, string[]> }).errors;
  }
  assert.fail('expected a validation error');
}

describe('POST /transcribe form fields', () => {
  test('absent fields take the contract defaults', async () => {
    const form = await validate({});
    assert.equal(form.speaker_count, 2);
    assert.equal(form.language, null);
    assert.equal(form.temperature, 0);
    assert.equal(form.no_speech_threshold, 0.6);
    assert.equal(form.initial_prompt, '다음은 한국어 대화입니다.');
  });

  test('multipart strings are converted; blank language means auto-detection; unknown fields are dropped', async () => {
    const form = await validate({
      speaker_count: '3',
      language: ' KO ',
      temperature: '0.2',
      no_speech_threshold: '1',
      initial_prompt: '',
      extra: 'ignored',
    });
    assert.deepEqual(
      { ...form },
      { speaker_count: 3, language: 'ko', temperature: 0.2, no_speech_threshold: 1, initial_prompt: '' },
    );
    assert.equal((await validate({ language: '' })).language, null);
    assert.equal((await validate({ language: 'null' })).language, null);
    assert.equal((await validate({ speaker_count: '' })).speaker_count, 2);
  });

  test('each wrong field gets its own message', async () => {
    const errors = await fieldErrors({
      speaker_count: '2abc',
      language: 'klingon',
      temperature: '-0.1',
      no_speech_threshold: 'NaN',
      initial_prompt: 'p'.repeat(1001),
    });
    assert.deepEqual(errors, {
      speaker_count: ['speaker_count must be a whole number'],
      language: ['language must be a Whisper language code (e.g. en, ko, ja) or empty to detect it'],
      temperature: ['temperature must be between 0 and 1'],
      no_speech_threshold: ['no_speech_threshold must be a number'],
      initial_prompt: ['initial_prompt must be at most 1000 characters'],
    });
    assert.deepEqual(Object.keys(await fieldErrors({ speaker_count: '21' })), ['speaker_count']);
    assert.deepEqual(Object.keys(await fieldErrors({ speaker_count: '1.5' })), ['speaker_count']);
    assert.deepEqual(Object.keys(await fieldErrors({ temperature: '1e3' })), ['temperature']);
  });
});
