import { useEffect, useState } from 'react';
import { api } from './api.ts';

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
