import { DeleteAfterField } from '../../tasks/delete-after.field';
import { AudioUrlField } from '../../upload/audio-url.field';
import {
  CallbackAuthHeaderNameField,
  CallbackAuthHeaderValueField,
} from '../../webhooks/callback-auth-header.fields';
import { CallbackUrlField } from '../../webhooks/callback-url.field';

/** What both upload routes take beside their own fields: the media by URL, the webhook, the retention. */
export class SubmissionOptionsDto {
  @AudioUrlField()
  audio_url?: string;

  @CallbackUrlField()
  callback_url?: string;

  @CallbackAuthHeaderNameField()
  callback_auth_header_name?: string;

  @CallbackAuthHeaderValueField()
  callback_auth_header_value?: string;

  @DeleteAfterField()
  delete_after?: number;
}
