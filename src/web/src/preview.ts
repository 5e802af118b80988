import { useEffect, useRef, useState } from 'react';
import { ApiError, api, errorText } from './api.ts';

export type FrameKind = 'outbox' | 'scenario-email' | 'scenario-landing' | 'awareness-email' | 'awareness-page';

/** A short-lived address that shows the rendered HTML sandboxed (POST /api/frames). */
export async function frameUrl(kind: FrameKind, id: number, languageId?: number | null): Promise<string> {
  const r = await api.post<{ frame: { url: string } }>('/api/frames', { kind, id, ...(languageId ? { language_id: languageId } : {}) });
  return r.frame.url;
}

/** frameUrl() as a hook: null until known (or when id is null). */
export function useFrameUrl(kind: FrameKind, id: number | null | undefined, languageId?: number | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    setUrl(null);
    if (!id) return;
    let live = true;
    frameUrl(kind, id, languageId).then(
      (u) => live && setUrl(u),
      () => live && setUrl(null),
    );
    return () => {
      live = false;
    };
  }, [kind, id, languageId]);
  return url;
}

/**
 * A frame address for HTML not saved yet (POST /api/frames, kind draft). `draftId` replaces an
 * earlier draft of the same pane instead of keeping one per keystroke; when it has expired, a new
 * draft is made.
 */
export async function draftFrameUrl(html: string, draftId?: number | null): Promise<{ url: string; draftId: number }> {
  const post = (id?: number | null) => api.post<{ frame: { url: string; draft_id: number } }>('/api/frames', { kind: 'draft', html, ...(id ? { id } : {}) });
  let r;
  try {
    r = await post(draftId);
  } catch (err) {
    if (!draftId || !(err instanceof ApiError) || err.status !== 404) throw err;
    r = await post(null);
  }
  return { url: r.frame.url, draftId: r.frame.draft_id };
}

/**
 * draftFrameUrl() as a hook, following `html` as it changes: a new address ~600 ms after the
 * last change (typing does not post every keystroke). `url` stays on the previous address until
 * the new one is known (no flicker); `error` says why a preview failed (e.g. too large).
 */
export function useDraftFrameUrl(html: string | null, delayMs = 600): { url: string | null; error: string } {
  const [state, setState] = useState<{ url: string | null; error: string }>({ url: null, error: '' });
  const draftId = useRef<number | null>(null);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  useEffect(() => {
    if (html === null) {
      setState({ url: null, error: '' });
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      // One request at a time: an older text must never land after a newer one in the same draft.
      queue.current = queue.current.then(() =>
        draftFrameUrl(html, draftId.current).then(
          (r) => {
            draftId.current = r.draftId;
            if (live) setState({ url: r.url, error: '' });
          },
          (err: unknown) => live && setState((s) => ({ url: s.url, error: errorText(err) })),
        ),
      );
    }, delayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [html, delayMs]);
  return state;
}
