export interface Campaign {
  id: number;
  name: string;
  status: 'idle' | 'running' | 'waiting_approval' | 'stopped';
  client_id: number;
  created_at: string | null;
  started_at: string | null;
  stopped_at: string | null;
  stop_date: string | null;
  recipients: number;
  submitted: number;
  opened: number;
  clicked: number;
  succeeded: number;
  reported: number;
  errors: number;
  awareness_completed: number;
  language_id: number | null;
  awareness_template_id: number | null;
  approved_by: number | null;
  approved_at: string | null;
  schedule: Schedule;
  [key: string]: unknown;
}

export interface Schedule {
  mode: 'immediate' | 'window';
  start?: string | null;
  end?: string | null;
  business_hours_start?: string | null;
  business_hours_end?: string | null;
  business_days?: number[] | null;
}

export interface Stats {
  victims: number;
  submitted: number;
  clicks: number;
  success: number;
  report: number;
  trained: number;
  errors: number;
}

export interface Victim {
  id: number;
  name: string;
  email: string;
  scenario_id: number;
  send_at: string | null;
  submitted_at: string | null;
  opened_at: string | null;
  clicked_at: string | null;
  succeeded_at: string | null;
  reported_at: string | null;
  trained_at: string | null;
  clicks: number;
  opens: number;
  os: string;
  browser: string;
  ip: string;
  country: string;
  error: boolean;
  error_text: string;
  vulnerable: boolean;
}

export interface TrackingEvent {
  id: number;
  type: string;
  time: string | null;
  verdict: 'human' | 'automated';
  reasons: string[];
  ip: string;
  user_agent: string;
  os: string;
  browser: string;
  country: string;
}

export interface Language {
  id: number;
  name: string;
  code?: string;
}

export interface ScenarioTemplate {
  id: number;
  name: string;
  type: string;
  description?: string;
  client_id: number | null;
  languages: Language[];
}

export interface Group {
  id: number;
  name: string;
}

export interface Scenario {
  id: number;
  name: string;
  domain: string;
  language_id: number;
  scenario_template_id: number;
  sender_name: string;
  sender_email: string;
}
