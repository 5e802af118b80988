/**
 * Lucy's Awareness Certificate (`POST /api/awareness-certificates/generate`): certificates of
 * people who completed a campaign's awareness training, as PDF (format 0) or JPG (format 1).
 *
 * - type 1001: one victim (`object_id`), 1002: a recipient by `email` (every trained victim
 *   with that address), 1003: every trained victim of a campaign (`object_id`).
 * - Only trained victims get a certificate. The request is checked at once: an unknown (or
 *   another tenant's) victim or campaign is 404, a victim, recipient or campaign with nobody
 *   trained is 400 saying so. The answer is the certificate with status 10; the files are made
 *   in the background (jobs.ts), zipped under `<data dir>/certificates/<id>.zip`, and the
 *   status becomes 20, or 100 with the error.
 * - `sendTo` mails the certificate files (one message, the files attached; more than
 *   MAX_ATTACHED files: the zip) through the mailer of the campaigns (SMTP relay or the
 *   built-in catcher). A failed mail is status 100 with the mailer's reason; the files stay.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Selectable } from 'kysely';
import MailComposer from 'nodemailer/lib/mail-composer';
import yazl from 'yazl';
import { now } from '../../db/index.ts';
import type { AwarenessCertificateTable } from '../../db/schema.ts';
import { conflict, invalid, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import { loadCampaign, optionalEmail } from '../campaigns/shared.ts';
import type { ServiceDeps } from '../index.ts';
import { awarenessForScenario } from '../training/awareness-training.ts';
import { renderCertificate, type CertificateContent } from './certificates-render.ts';
import { JobRunner, STALE_MS, failureText, heartbeat } from './jobs.ts';
import { PRIVATE_DIR, PRIVATE_FILE } from '../../private-files.ts';

export type CertificateRow = Selectable<AwarenessCertificateTable>;

export const CERTIFICATE_TYPES = { victim: 1001, recipient: 1002, campaign: 1003 } as const;
export const CERTIFICATE_TYPE_IDS = [1001, 1002, 1003] as const;
export const CERTIFICATE_STATUS = { processing: 10, ready: 20, error: 100 } as const;
/** More files than this are mailed as the zip. */
export const MAX_ATTACHED = 10;

export interface CertificateRequest {
  type: number;
  format?: number;
  object_id?: number | null;
  email?: string;
  sendTo?: string;
}

/** What sends a certificate mail: the campaigns' mailer (structurally mail/transport.ts `Mailer`). */
export interface CertificateMailer {
  send(message: {
    from: string;
    to: string[];
    raw: Buffer;
    messageId: string;
    subject?: string;
    text?: string;
    meta: { clientId: number | null; campaignId: number | null; victimId: number | null; messageType: string };
  }): Promise<unknown>;
}

interface Trained {
  id: number;
  client_id: number;
  campaign_id: number;
  scenario_id: number;
  email: string;
  name: string;
  trained_at: string | null;
  average_quiz_score: number | null;
  campaign: string;
  organisation: string;
}

const INTERRUPTED = 'the generation was interrupted (the server stopped); generate the certificate again';

function fileSafe(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 60) || 'person'
  );
}

export class CertificateService {
  readonly jobs = new JobRunner();
  private mailer: CertificateMailer | null = null;

  constructor(private readonly deps: ServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  /** The mailer `sendTo` goes through (wired with the campaigns' sending). */
  useMailer(mailer: CertificateMailer): void {
    this.mailer = mailer;
  }

  async generate(p: Principal, req: CertificateRequest): Promise<CertificateRow> {
    assertCanWrite(p);
    if (!(CERTIFICATE_TYPE_IDS as readonly number[]).includes(req.type)) throw invalid(`type: ${req.type} is not a certificate type; one of 1001 (victim), 1002 (recipient), 1003 (campaign)`);
    const format = req.format ?? 0;
    if (format !== 0 && format !== 1) throw invalid(`format: ${format} is not a format; 0 (PDF) or 1 (JPG)`);
    const sendTo = optionalEmail('sendTo', req.sendTo ?? '');
    const scope = readScope(p);
    let clientId: number;
    let objectId: number | null = null;
    let email = '';
    if (req.type === CERTIFICATE_TYPES.victim) {
      if (req.object_id === undefined || req.object_id === null) throw invalid('object_id: is required for type 1001 (the id of the victim)');
      let q = this.db.selectFrom('victims').select(['id', 'client_id', 'trained_at']).where('id', '=', req.object_id);
      if (scope !== null) q = q.where('client_id', '=', scope);
      const v = await q.executeTakeFirst();
      if (!v) throw notFound('victim');
      if (!v.trained_at) throw invalid(`object_id: victim ${v.id} has not completed the awareness training; certificates are for trained victims only`);
      clientId = v.client_id;
      objectId = v.id;
    } else if (req.type === CERTIFICATE_TYPES.campaign) {
      if (req.object_id === undefined || req.object_id === null) throw invalid('object_id: is required for type 1003 (the id of the campaign)');
      const campaign = await loadCampaign(this.db, p, req.object_id);
      const trained = await this.db.selectFrom('victims').select('id').where('campaign_id', '=', campaign.id).where('trained_at', 'is not', null).limit(1).executeTakeFirst();
      if (!trained) throw invalid(`object_id: campaign ${campaign.id} has no trained victims yet; certificates are for trained victims only`);
      clientId = campaign.client_id;
      objectId = campaign.id;
    } else {
      email = (req.email ?? '').trim().toLowerCase();
      if (!email) throw invalid('email: is required for type 1002 (the email address of the recipient)');
      optionalEmail('email', email);
      let q = this.db.selectFrom('victims').select(['client_id', 'trained_at']).where(({ fn, eb }) => eb(fn('lower', ['email']), '=', email));
      if (scope !== null) q = q.where('client_id', '=', scope);
      const found = await q.execute();
      if (!found.length) throw notFound('recipient');
      const clients = new Set(found.map((v) => v.client_id));
      if (clients.size > 1) throw invalid(`email: ${email} is a recipient of several clients; act within one client (X-Decoy-Client) to choose`);
      if (!found.some((v) => v.trained_at)) throw invalid(`email: recipient ${email} has not completed any awareness training; certificates are for trained victims only`);
      clientId = found[0].client_id;
    }
    const t = now();
    const row = await this.db
      .insertInto('awareness_certificates')
      .values({
        client_id: clientId,
        created_by: p.userId,
        type: req.type,
        format,
        object_id: objectId,
        email,
        send_to: sendTo,
        status: CERTIFICATE_STATUS.processing,
        error: '',
        file: '',
        file_count: 0,
        size: 0,
        created_at: t,
        updated_at: t,
        finished_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    this.jobs.run(row.id, () => this.build(row));
    return row;
  }

  async get(p: Principal, id: number): Promise<CertificateRow> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('awareness_certificates').selectAll().where('id', '=', id);
    if (scope !== null) q = q.where('client_id', '=', scope);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('awareness certificate');
    return this.settleStale(row);
  }

  /** The zip of a ready certificate; 409 while it is generated or when it failed. */
  async file(p: Principal, id: number): Promise<{ row: CertificateRow; path: string; size: number }> {
    const row = await this.get(p, id);
    if (row.status === CERTIFICATE_STATUS.processing) throw conflict(`awareness certificate ${row.id} is still being generated (status 10); download it once its status is 20`);
    if (!row.file) throw conflict(`awareness certificate ${row.id} failed and has no file: ${row.error || 'unknown error'}`);
    const file = path.join(this.deps.config.dataDir, row.file);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw notFound(`the file of awareness certificate ${row.id}`);
    return { row, path: file, size: info.size };
  }

  /** Resolves when every certificate started so far is done (tests, shutdown). */
  idle(): Promise<void> {
    return this.jobs.idle();
  }

  private async settleStale(row: CertificateRow): Promise<CertificateRow> {
    if (row.status !== CERTIFICATE_STATUS.processing || this.jobs.busy.has(row.id)) return row;
    if (Date.parse(row.updated_at) > Date.now() - STALE_MS) return row;
    const t = now();
    await this.db
      .updateTable('awareness_certificates')
      .set({ status: CERTIFICATE_STATUS.error, error: INTERRUPTED, updated_at: t, finished_at: t })
      .where('id', '=', row.id)
      .where('status', '=', CERTIFICATE_STATUS.processing)
      .execute();
    return { ...row, status: CERTIFICATE_STATUS.error, error: INTERRUPTED, updated_at: t, finished_at: t };
  }

  /** The trained victims a certificate covers (always within its client). */
  private async trainedOf(row: CertificateRow): Promise<Trained[]> {
    let q = this.db
      .selectFrom('victims as v')
      .innerJoin('campaigns as c', 'c.id', 'v.campaign_id')
      .innerJoin('clients as cl', 'cl.id', 'v.client_id')
      .select(['v.id', 'v.client_id', 'v.campaign_id', 'v.scenario_id', 'v.email', 'v.name', 'v.trained_at', 'v.average_quiz_score', 'c.name as campaign', 'cl.name as organisation'])
      .where('v.client_id', '=', row.client_id)
      .where('v.trained_at', 'is not', null);
    if (row.type === CERTIFICATE_TYPES.victim) q = q.where('v.id', '=', row.object_id!);
    else if (row.type === CERTIFICATE_TYPES.campaign) q = q.where('v.campaign_id', '=', row.object_id!);
    else q = q.where(({ fn, eb }) => eb(fn('lower', ['v.email']), '=', row.email));
    return q.orderBy('v.id').execute();
  }

  private async build(row: CertificateRow): Promise<void> {
    const relative = path.join('certificates', `${row.id}.zip`);
    const zipPath = path.join(this.deps.config.dataDir, relative);
    let zipped = false;
    try {
      const victims = await this.trainedOf(row);
      if (!victims.length) throw invalid('nobody covered by this certificate has completed the awareness training');
      const extension = row.format === 1 ? 'jpg' : 'pdf';
      const trainings = new Map<string, string>();
      // Only a mail with the files attached needs them in memory; the zip is written as they are made.
      const keep = row.send_to !== '' && victims.length <= MAX_ATTACHED;
      const files: { name: string; content: Buffer }[] = [];
      const names = new Set<string>();
      await mkdir(path.dirname(zipPath), { recursive: true, mode: PRIVATE_DIR });
      const partial = `${zipPath}.${randomBytes(4).toString('hex')}.part`;
      const zip = new yazl.ZipFile();
      const written = pipeline(zip.outputStream, createWriteStream(partial, { mode: PRIVATE_FILE }));
      // A failure before the end must not leave the write unhandled.
      written.catch(() => {});
      const touch = heartbeat(() => this.db.updateTable('awareness_certificates').set({ updated_at: now() }).where('id', '=', row.id).execute());
      const t0 = new Date();
      try {
        for (const v of victims) {
          const key = `${v.campaign_id}:${v.scenario_id}`;
          if (!trainings.has(key)) trainings.set(key, await this.trainingName(v));
          const content: CertificateContent = {
            name: v.name.trim() || v.email,
            training: trainings.get(key)!,
            campaign: v.campaign,
            organisation: v.organisation,
            completedAt: v.trained_at!,
            score: v.average_quiz_score === null ? null : Number(v.average_quiz_score),
          };
          let name = `certificate-${v.id}-${fileSafe(v.name || v.email)}.${extension}`;
          if (names.has(name)) name = `certificate-${v.id}-${names.size}.${extension}`;
          names.add(name);
          const bytes = await renderCertificate(row.format, content);
          // PDF and JPEG are compressed already.
          zip.addBuffer(bytes, name, { mtime: t0, compress: false });
          if (keep) files.push({ name, content: bytes });
          await touch();
        }
        zip.end();
        await written;
        await rename(partial, zipPath);
      } catch (err) {
        zip.end();
        await written.catch(() => {});
        await rm(partial, { force: true });
        throw err;
      }
      zipped = true;
      const size = (await stat(zipPath)).size;
      let error = '';
      if (row.send_to) {
        try {
          await this.mail(row, victims, files, names.size, zipPath);
        } catch (err) {
          const reason = (err as { text?: string; message?: string }).text ?? (err as Error).message ?? 'unknown error';
          error = `the certificate was generated but could not be mailed to ${row.send_to}: ${reason}`.slice(0, 1000);
        }
      }
      const t = now();
      const done = await this.db
        .updateTable('awareness_certificates')
        .set({ status: error ? CERTIFICATE_STATUS.error : CERTIFICATE_STATUS.ready, error, file: relative, file_count: names.size, size, updated_at: t, finished_at: t })
        .where('id', '=', row.id)
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) === 0) await rm(zipPath, { force: true });
    } catch (err) {
      if (!zipped) await rm(zipPath, { force: true }).catch(() => {});
      const t = now();
      await this.db
        .updateTable('awareness_certificates')
        .set({ status: CERTIFICATE_STATUS.error, error: failureText(err, 'the certificate'), updated_at: t, finished_at: t })
        .where('id', '=', row.id)
        .execute()
        .catch(() => {});
    }
  }

  /** The training a victim completed: the awareness template's name (the awareness' name without one). */
  private async trainingName(v: Trained): Promise<string> {
    const awareness = await awarenessForScenario(this.db, v.campaign_id, v.scenario_id);
    if (!awareness) return 'Security awareness training';
    const template = await this.db.selectFrom('awareness_templates').select('name').where('id', '=', awareness.template_id).executeTakeFirst();
    return template?.name || awareness.name || 'Security awareness training';
  }

  private async sender(v: Trained): Promise<{ email: string; name: string }> {
    const awareness = await awarenessForScenario(this.db, v.campaign_id, v.scenario_id);
    if (awareness?.sender_email) return { email: awareness.sender_email, name: awareness.sender_name || 'Security Awareness Team' };
    const scenario = await this.db.selectFrom('scenarios').select(['sender_email', 'sender_name']).where('id', '=', v.scenario_id).executeTakeFirst();
    if (scenario?.sender_email) return { email: scenario.sender_email, name: scenario.sender_name || 'Security Awareness Team' };
    const host = hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'localhost';
    return { email: `decoy@${host.includes('.') ? host : `${host}.localdomain`}`, name: 'Security Awareness Team' };
  }

  private async mail(row: CertificateRow, victims: Trained[], files: { name: string; content: Buffer }[], count: number, zipPath: string): Promise<void> {
    if (!this.mailer) throw new Error('no mailer is configured in this process');
    const from = await this.sender(victims[0]);
    const single = victims.length === 1 ? victims[0] : null;
    const subject = single ? `Awareness certificate: ${single.name.trim() || single.email}` : `Awareness certificates (${victims.length})`;
    const text = single
      ? `Attached is the security awareness certificate of ${single.name.trim() || single.email} (${single.organisation}).\n`
      : `Attached are the security awareness certificates of ${victims.length} people (${victims[0].organisation}).\n`;
    const attachments =
      count <= MAX_ATTACHED
        ? files.map((f) => ({ filename: f.name, content: f.content, contentType: f.name.endsWith('.jpg') ? 'image/jpeg' : 'application/pdf' }))
        : [{ filename: `certificates-${row.id}.zip`, path: zipPath, contentType: 'application/zip' }];
    const messageId = `<certificate-${row.id}-${randomBytes(8).toString('hex')}@${from.email.split('@')[1] || 'decoy.invalid'}>`;
    const raw = await new MailComposer({ from: { name: from.name, address: from.email }, to: row.send_to, subject, text, messageId, attachments }).compile().build();
    await this.mailer.send({
      from: from.email,
      to: [row.send_to],
      raw,
      messageId,
      subject,
      text,
      meta: { clientId: row.client_id, campaignId: single?.campaign_id ?? (row.type === CERTIFICATE_TYPES.campaign ? row.object_id : null), victimId: single?.id ?? null, messageType: 'certificate' },
    });
  }
}
