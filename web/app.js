// The page at /: upload a file, follow GET result/{id}/events (progress, then the text segment by segment,
// then the result), and show who said what. Plain browser JavaScript, no framework, no build step. Every URL is
// relative, so the page works behind a reverse proxy and under a sub-path. Text from the server is only ever
// set through textContent, never parsed as HTML.
'use strict';

(() => {
  const TOKEN_KEY = 'speech-server.token';
  const RECONNECT_MS = 2000;
  const STAGE_NAMES = {
    pending: 'waiting in the queue',
    initializing: 'decoding the audio',
    transcribing: 'transcribing',
    diarizing: 'finding the speakers',
    combining: 'combining words and speakers',
  };

  const $ = (id) => document.getElementById(id);
  const view = {
    form: $('upload'),
    token: $('token'),
    file: $('file'),
    speakerMode: $('speaker-mode'),
    speakerCount: $('speaker-count'),
    minSpeakers: $('min-speakers'),
    maxSpeakers: $('max-speakers'),
    language: $('language'),
    wordTimestamps: $('word-timestamps'),
    submit: $('submit'),
    error: $('error'),
    progressPanel: $('progress-panel'),
    stage: $('stage'),
    percent: $('percent'),
    progress: $('progress'),
    live: $('live-segments'),
    resultPanel: $('result-panel'),
    player: $('player'),
    speakers: $('speakers'),
    timeline: $('timeline'),
    entries: $('entries'),
  };

  /** What the page knows of the current task. */
  const state = { taskId: null, fileName: 'audio', mediaUrl: null, body: null, names: new Map() };

  function init() {
    view.token.value = sessionStorage.getItem(TOKEN_KEY) ?? '';
    view.speakerMode.addEventListener('change', showSpeakerFields);
    view.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void start();
    });
    for (const button of document.querySelectorAll('[data-format]')) {
      button.addEventListener('click', () => download(button.dataset.format));
    }
    view.player.addEventListener('timeupdate', markPlaying);
    void loadLanguages();
  }

  async function loadLanguages() {
    try {
      const response = await fetch('web/languages.json');
      if (!response.ok) return;
      const names = new Intl.DisplayNames([navigator.language || 'en'], { type: 'language' });
      for (const code of await response.json()) {
        const option = document.createElement('option');
        option.value = code;
        option.textContent = `${safeName(names, code)} (${code})`;
        view.language.append(option);
      }
    } catch {
      // The form still works: the language is then detected.
    }
  }

  function safeName(names, code) {
    try {
      return names.of(code) ?? code;
    } catch {
      return code;
    }
  }

  function showSpeakerFields() {
    const range = view.speakerMode.value === 'range';
    for (const label of document.querySelectorAll('label.range')) label.hidden = !range;
    for (const label of document.querySelectorAll('label.exact')) label.hidden = range;
  }

  // ---- upload --------------------------------------------------------------------------------------------

  async function start() {
    const token = view.token.value.trim();
    const file = view.file.files[0];
    if (!token) return showError("Paste a token first: a JWT or the server's test token.");
    if (!file) return showError('Choose an audio or video file.');
    sessionStorage.setItem(TOKEN_KEY, token);
    hideError();
    resetResult();
    view.submit.disabled = true;
    showProgress('uploading', 0);
    state.fileName = file.name.replace(/\.[^.]*$/, '') || 'audio';
    if (state.mediaUrl) URL.revokeObjectURL(state.mediaUrl);
    // The page plays the file from the browser's own memory: nothing is fetched back from the server.
    state.mediaUrl = URL.createObjectURL(file);
    try {
      const taskId = await upload(file, token);
      state.taskId = taskId;
      showProgress('pending', 0);
      await follow(taskId, token);
    } catch (error) {
      showError(error instanceof Error ? error.message : String(error));
      view.progressPanel.hidden = true;
    } finally {
      view.submit.disabled = false;
    }
  }

  function formFields(file) {
    const form = new FormData();
    form.append('file', file, file.name);
    if (view.speakerMode.value === 'range') {
      form.append('min_speakers', view.minSpeakers.value);
      form.append('max_speakers', view.maxSpeakers.value);
    } else {
      form.append('speaker_count', view.speakerCount.value);
    }
    if (view.language.value) form.append('language', view.language.value);
    if (view.wordTimestamps.checked) form.append('word_timestamps', 'true');
    return form;
  }

  /** POST transcribe with upload progress (XMLHttpRequest: fetch cannot report it); resolves the task id. */
  function upload(file, token) {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open('POST', 'transcribe');
      request.setRequestHeader('Authorization', `Bearer ${token}`);
      request.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) showProgress('uploading', Math.floor((100 * event.loaded) / event.total));
      });
      request.addEventListener('load', () => {
        const body = parseJson(request.responseText);
        if (request.status === 200 && body && typeof body.task_id === 'string') resolve(body.task_id);
        else
          reject(new Error(httpErrorMessage(request.status, body, request.getResponseHeader('Retry-After'))));
      });
      request.addEventListener('error', () =>
        reject(new Error('The upload failed: the server could not be reached.')),
      );
      request.send(formFields(file));
    });
  }

  // ---- the event stream ----------------------------------------------------------------------------------

  /**
   * Reads GET result/{id}/events until its completed or failed event, reconnecting when the stream drops
   * (the server replays the text so far, and the result waits until an event delivered it). fetch rather
   * than EventSource, which cannot send the Authorization header.
   */
  async function follow(taskId, token) {
    const seen = new Set();
    for (;;) {
      let response;
      try {
        response = await fetch(`result/${encodeURIComponent(taskId)}/events`, {
          headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
          cache: 'no-store',
        });
      } catch {
        await sleep(RECONNECT_MS);
        continue;
      }
      if (!response.ok) {
        const body = parseJson(await response.text());
        throw new Error(httpErrorMessage(response.status, body, response.headers.get('Retry-After')));
      }
      let final = null;
      try {
        for await (const event of serverSentEvents(response.body)) {
          final = handleEvent(event, seen);
          if (final) break;
        }
      } catch {
        // Dropped mid-stream: reconnect below.
      }
      if (final) return final === 'completed' ? undefined : Promise.reject(new Error(final));
      await sleep(RECONNECT_MS);
    }
  }

  /** Returns 'completed', the failure's message, or null while the task runs. */
  function handleEvent({ event, data }, seen) {
    const body = parseJson(data);
    if (!body) return null;
    switch (event) {
      case 'pending':
        showProgress('pending', 0);
        return null;
      case 'progress':
        showProgress(body.info, body.progress);
        return null;
      case 'segment':
        if (!seen.has(body.index)) {
          seen.add(body.index);
          addLiveSegment(body);
        }
        return null;
      case 'completed':
        showProgress('done', 100);
        showResult(body);
        return 'completed';
      case 'failed':
        return `Processing failed: ${body.error}`;
      default:
        return null;
    }
  }

  /** The events of a text/event-stream body, as { event, data }. */
  async function* serverSentEvents(stream) {
    const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let boundary;
      while ((boundary = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary).replace(/^\r?\n\r?\n/, '');
        let event = 'message';
        const data = [];
        for (const line of block.split(/\r?\n/)) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length > 0) yield { event, data: data.join('\n') };
      }
    }
  }

  // ---- progress ------------------------------------------------------------------------------------------

  function showProgress(stage, percent) {
    view.progressPanel.hidden = false;
    view.stage.textContent = stage === 'done' ? 'done' : (STAGE_NAMES[stage] ?? stage);
    view.percent.textContent = stage === 'pending' ? '' : `${percent}%`;
    view.progress.value = percent;
    view.progressPanel.dataset.stage = stage;
  }

  function addLiveSegment(segment) {
    const item = document.createElement('li');
    item.textContent = `${clock(segment.start)}  ${segment.text}`;
    view.live.append(item);
    view.live.scrollTop = view.live.scrollHeight;
  }

  // ---- the result ----------------------------------------------------------------------------------------

  function resetResult() {
    state.body = null;
    state.names = new Map();
    view.resultPanel.hidden = true;
    view.live.replaceChildren();
    view.entries.replaceChildren();
    view.timeline.replaceChildren();
    view.speakers.replaceChildren();
  }

  function showResult(body) {
    state.body = body;
    const entries = body.results;
    const speakers = [...new Set(entries.map((entry) => entry.speaker))].sort((a, b) => a - b);
    for (const speaker of speakers) state.names.set(speaker, defaultName(speaker));
    view.player.src = state.mediaUrl;
    renderSpeakerNames(speakers);
    renderTimeline(speakers, entries);
    renderEntries(entries);
    view.resultPanel.hidden = false;
    view.resultPanel.dataset.entries = String(entries.length);
    view.resultPanel.dataset.speakers = String(speakers.length);
  }

  const speakerClass = (speaker) => `speaker-${speaker % 8}`;
  // As the server's own subtitles name them (<v Speaker 0>), so that both read alike.
  const defaultName = (speaker) => `Speaker ${speaker}`;
  const nameOf = (speaker) => state.names.get(speaker) ?? defaultName(speaker);

  function renderSpeakerNames(speakers) {
    view.speakers.replaceChildren(
      ...speakers.map((speaker) => {
        const label = document.createElement('label');
        label.className = speakerClass(speaker);
        const input = document.createElement('input');
        input.value = nameOf(speaker);
        input.setAttribute('aria-label', `name of speaker ${speaker}`);
        input.dataset.speaker = String(speaker);
        input.addEventListener('input', () => {
          state.names.set(speaker, input.value.trim() || defaultName(speaker));
          for (const node of document.querySelectorAll(`[data-name-of="${speaker}"]`)) {
            node.textContent = nameOf(speaker);
          }
        });
        label.append('Rename', input);
        return label;
      }),
    );
  }

  function renderTimeline(speakers, entries) {
    const duration = Math.max(1e-3, ...entries.map((entry) => entry.end));
    view.timeline.replaceChildren(
      ...speakers.map((speaker) => {
        const lane = document.createElement('div');
        lane.className = `lane ${speakerClass(speaker)}`;
        lane.dataset.speaker = String(speaker);
        const name = document.createElement('span');
        name.className = 'lane-name';
        name.dataset.nameOf = String(speaker);
        name.textContent = nameOf(speaker);
        const track = document.createElement('div');
        track.className = 'lane-track';
        for (const entry of entries.filter((e) => e.speaker === speaker)) {
          const turn = document.createElement('span');
          turn.className = 'turn';
          turn.style.left = `${(100 * entry.start) / duration}%`;
          turn.style.width = `${(100 * (entry.end - entry.start)) / duration}%`;
          turn.title = `${clock(entry.start)}–${clock(entry.end)}`;
          turn.addEventListener('click', () => play(entry.start));
          track.append(turn);
        }
        lane.append(name, track);
        return lane;
      }),
    );
  }

  function renderEntries(entries) {
    if (entries.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = 'No speech was found in this file.';
      view.entries.replaceChildren(empty);
      return;
    }
    view.entries.replaceChildren(
      ...entries.map((entry, index) => {
        const item = document.createElement('li');
        item.className = `entry ${speakerClass(entry.speaker)}`;
        item.tabIndex = 0;
        item.dataset.index = String(index);
        const who = document.createElement('span');
        who.className = 'who';
        who.dataset.nameOf = String(entry.speaker);
        who.textContent = nameOf(entry.speaker);
        const when = document.createElement('span');
        when.className = 'when';
        when.textContent = `${clock(entry.start)}–${clock(entry.end)}`;
        const text = document.createElement('span');
        text.className = 'text';
        text.textContent = entry.text ?? '';
        item.append(who, when, text);
        item.addEventListener('click', () => play(entry.start));
        item.addEventListener('keydown', (event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            play(entry.start);
          }
        });
        return item;
      }),
    );
  }

  function play(seconds) {
    view.player.currentTime = seconds;
    void view.player.play().catch(() => undefined);
  }

  function markPlaying() {
    if (!state.body) return;
    const now = view.player.currentTime;
    state.body.results.forEach((entry, index) => {
      const item = view.entries.children[index];
      item?.classList.toggle('playing', entry.start <= now && now < entry.end);
    });
  }

  // ---- downloads, rendered here from the received result (with the names given) --------------------------

  function download(format) {
    if (!state.body) return;
    const entries = state.body.results.map((entry) => ({ ...entry, name: nameOf(entry.speaker) }));
    const [text, type] = RENDERERS[format](entries);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type }));
    link.download = `${state.fileName}.${format}`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  const RENDERERS = {
    json: (entries) => [
      `${JSON.stringify(
        {
          status: 'completed',
          results: entries.map(({ name, ...entry }) => ({ ...entry, speaker_name: name })),
        },
        null,
        2,
      )}\n`,
      'application/json',
    ],
    srt: (entries) => [
      entries
        .map(
          (e, i) =>
            `${i + 1}\n${timestamp(e.start, ',')} --> ${timestamp(e.end, ',')}\n${e.name}: ${oneLine(e)}\n`,
        )
        .join('\n'),
      'application/x-subrip',
    ],
    vtt: (entries) => [
      `WEBVTT\n\n${entries
        .map(
          (e) =>
            `${timestamp(e.start, '.')} --> ${timestamp(e.end, '.')}\n<v ${vttName(e.name)}>${vttText(oneLine(e))}\n`,
        )
        .join('\n')}`,
      'text/vtt',
    ],
    txt: (entries) => [
      entries.map((e) => `${e.name} [${clock(e.start)}]: ${oneLine(e)}\n`).join('\n'),
      'text/plain',
    ],
    rttm: (entries) => [
      entries
        .map(
          (e) =>
            `SPEAKER ${rttmField(state.fileName)} 1 ${e.start.toFixed(3)} ${(e.end - e.start).toFixed(3)} ` +
            `<NA> <NA> ${rttmSpeaker(e)} <NA> <NA>\n`,
        )
        .join(''),
      'text/plain',
    ],
  };

  const oneLine = (entry) => (entry.text ?? '').replace(/\s+/g, ' ').trim();
  const vttName = (name) => name.replace(/[>\n]/g, ' ');
  const vttText = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const rttmField = (value) => value.replace(/\s+/g, '_') || 'NA';
  /** SPEAKER_00 as pyannote and the server write it, unless the speaker was given a name. */
  const rttmSpeaker = (entry) =>
    entry.name === defaultName(entry.speaker)
      ? `SPEAKER_${String(entry.speaker).padStart(2, '0')}`
      : rttmField(entry.name);

  /** HH:MM:SS,mmm (SubRip) or HH:MM:SS.mmm (WebVTT). */
  function timestamp(seconds, separator) {
    const ms = Math.round(seconds * 1000);
    const pad = (n, width = 2) => String(n).padStart(width, '0');
    return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
  }

  /** m:ss or h:mm:ss, for people. */
  function clock(seconds) {
    const s = Math.floor(seconds);
    const pad = (n) => String(n).padStart(2, '0');
    return s >= 3600
      ? `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`
      : `${Math.floor(s / 60)}:${pad(s % 60)}`;
  }

  // ---- errors --------------------------------------------------------------------------------------------

  function httpErrorMessage(status, body, retryAfter) {
    const detail = body && typeof body.detail === 'string' ? body.detail : '';
    switch (status) {
      case 0:
        return 'The server could not be reached.';
      case 401:
        return 'The server refused the token (401): paste a valid JWT or the test token.';
      case 413:
        return `The file is too large for this server (413).${detail ? ` ${detail}` : ''}`;
      case 415:
        return `This file is not an accepted audio or video format (415).${detail ? ` ${detail}` : ''}`;
      case 429:
        return `Too many requests (429): try again${retryAfter ? ` in ${retryAfter} s` : ' in a minute'}.`;
      case 400: {
        const fields = body && body.errors ? Object.values(body.errors).flat().join('; ') : '';
        return `The form was refused (400): ${fields || detail || 'invalid fields'}.`;
      }
      default:
        return `The server answered ${status}${detail ? `: ${detail}` : ''}.`;
    }
  }

  function showError(message) {
    view.error.textContent = message;
    view.error.hidden = false;
  }

  function hideError() {
    view.error.hidden = true;
    view.error.textContent = '';
  }

  function parseJson(text) {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  init();
})();
