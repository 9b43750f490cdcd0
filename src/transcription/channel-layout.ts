import { BadRequestException } from '@nestjs/common';
import { AudioDecodeError, probeMedia } from '../../libs/audio';
import { channelCountProblem } from '../../libs/pipeline';

/**
 * channel_diarization needs 2 to 8 channels: read from the upload's first audio stream (ffprobe,
 * under the decoder's own input restrictions) before the job is queued, so that a mono file is a
 * 400 on the field rather than a failed task.
 */
export async function requireSpeakerChannels(filePath: string): Promise<void> {
  let problem: string | null;
  try {
    const info = await probeMedia(filePath);
    problem = !info.hasAudio
      ? 'the file holds no audio stream'
      : info.channels === null
        ? 'the number of audio channels cannot be read'
        : channelCountProblem(info.channels);
  } catch (error) {
    // Messages of libs/audio never name the server's path.
    if (!(error instanceof AudioDecodeError)) throw error;
    problem = error.message;
  }
  if (problem === null) return;
  const message = `channel_diarization: ${problem}`;
  throw new BadRequestException({ detail: message, errors: { channel_diarization: [message] } });
}
