import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { signWebhook, verifyWebhookSignature, WebhookConfigError } from '../../libs/webhooks';
import { independentlyVerify } from './receiver';

const body = JSON.stringify({ task_id: '42', status: 'completed', note: 'caf\u00e9' });
const secret = 's3cret';
const now = 1_700_000_000;

test('the header is t=<seconds>,v1=<HMAC-SHA256 of "<t>.<body>"> in hex', () => {
  const header = signWebhook(body, secret, now);
  const expected = createHmac('sha256', secret).update(`${now}.${body}`, 'utf8').digest('hex');
  assert.equal(header, `t=${now},v1=${expected}`);
  assert.ok(independentlyVerify(body, header, secret));
});

test('verify accepts its own signatures and refuses any change', () => {
  const header = signWebhook(body, secret, now);
  assert.equal(verifyWebhookSignature(body, header, secret, 300, now), true);
  assert.equal(verifyWebhookSignature(body, header, secret, 300, now + 300), true);
  assert.equal(verifyWebhookSignature(body, header, secret, 300, now + 301), false, 'too old');
  assert.equal(verifyWebhookSignature(body, header, secret, 300, now - 301), false, 'from the future');
  assert.equal(verifyWebhookSignature(body.replace('42', '43'), header, secret, 300, now), false);
  assert.equal(verifyWebhookSignature(body, header, 'other', 300, now), false);
  assert.equal(
    verifyWebhookSignature(body, header.replace(`t=${now}`, `t=${now + 1}`), secret, 300, now),
    false,
  );
  const flipped = header.slice(0, -1) + (header.endsWith('0') ? '1' : '0');
  assert.equal(verifyWebhookSignature(body, flipped, secret, 300, now), false);
});

test('several v1 entries (secret rotation): one matching is enough; unknown schemes are ignored', () => {
  const good = signWebhook(body, secret, now).split(',')[1];
  const other = signWebhook(body, 'old-secret', now).split(',')[1];
  assert.equal(verifyWebhookSignature(body, `t=${now},${other},${good},v2=zzz`, secret, 300, now), true);
  assert.equal(verifyWebhookSignature(body, `t=${now},${other}`, secret, 300, now), false);
});

test('malformed headers are refused, never thrown on', () => {
  const sig = signWebhook(body, secret, now).split(',')[1];
  for (const header of [
    undefined,
    null,
    '',
    'garbage',
    `v1=${sig.slice(3)}`,
    `t=abc,${sig}`,
    `t=${now}`,
    `t=${now},v1=12`,
  ]) {
    assert.equal(verifyWebhookSignature(body, header, secret, 300, now), false, String(header));
  }
  assert.equal(verifyWebhookSignature(body, signWebhook(body, secret, now), '', 300, now), false);
});

test('signing needs a secret and whole seconds', () => {
  assert.throws(() => signWebhook(body, '', now), WebhookConfigError);
  assert.throws(() => signWebhook(body, secret, 1.5), WebhookConfigError);
  assert.throws(() => signWebhook(body, secret, -1), WebhookConfigError);
});
