/**
 * A PhishLine REST client written only from the two vendor documents
 * (../shared/spec/phishline-rest-api.txt and phishline-authenticate.txt), knowing nothing of
 * Decoy: a base URL `<instance>/rest`, a user name, a password and an API key. It
 * authenticates, then pages through an endpoint by passing each response's MaxIdReturned as the
 * next afterid until the response is 200 with remainingRowCount 0. `send` is its HTTP: method,
 * URL, headers and body in; status and body text out.
 */
export type Send = (req: { method: string; url: string; headers: Record<string, string>; body?: string }) => Promise<{ status: number; body: string }>;

export interface Envelope {
  status: number;
  statusMessage: string;
  statusDetails: unknown;
  entity: string;
  jobid: number;
  notifications: unknown;
  totalRowCount?: number;
  pageRowCount?: number;
  remainingRowCount?: number;
  MaxIdReturned?: number;
  data: Record<string, string>[] | { access_token: string };
}

export interface Walk {
  rows: Record<string, string>[];
  /** Every response, in order. */
  pages: Envelope[];
}

export class PhishlineClient {
  private token: string | null = null;

  constructor(
    private readonly send: Send,
    /** e.g. `https://api.phishline.com/phishline_example/rest` */
    private readonly base: string,
    private readonly credentials: { user: string; password: string; apiKey: string },
    /** The document allows the token in the query string or as a Bearer header. */
    private readonly tokenIn: 'header' | 'query' = 'header',
  ) {}

  async authenticate(): Promise<void> {
    const res = await this.send({
      method: 'POST',
      url: `${this.base}/authenticate`,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' },
      body: JSON.stringify({ bof_ticket_user: this.credentials.user, bof_ticket_pw: this.credentials.password, api_key: this.credentials.apiKey }),
    });
    const env = JSON.parse(res.body) as Envelope;
    if (res.status !== 200 || env.status !== 200) throw new Error(`authenticate: ${res.status} ${env.statusMessage}`);
    this.token = (env.data as { access_token: string }).access_token;
  }

  async get(path: string, query: Record<string, string> = {}): Promise<{ status: number; env: Envelope }> {
    if (!this.token) await this.authenticate();
    const params = new URLSearchParams(query);
    const headers: Record<string, string> = { 'Cache-Control': 'no-cache' };
    if (this.tokenIn === 'query') params.set('access_token', this.token!);
    else headers.Authorization = `Bearer ${this.token}`;
    const qs = params.toString();
    const res = await this.send({ method: 'GET', url: `${this.base}${path}${qs ? `?${qs}` : ''}`, headers });
    return { status: res.status, env: JSON.parse(res.body) as Envelope };
  }

  /** Every row of `endpoint` for campaign `id` (0: all), page by page. */
  async walk(endpoint: string, id: number, query: Record<string, string> = {}): Promise<Walk> {
    const rows: Record<string, string>[] = [];
    const pages: Envelope[] = [];
    let afterid = 0;
    for (;;) {
      const { status, env } = await this.get(`/${endpoint}/${id}/${afterid}`, query);
      if (status !== 200 && status !== 206) throw new Error(`${endpoint}: ${status} ${env.statusMessage}`);
      pages.push(env);
      rows.push(...(env.data as Record<string, string>[]));
      if (status === 200 || !env.remainingRowCount) return { rows, pages };
      afterid = env.MaxIdReturned!;
    }
  }
}
