/** Types and loaders shared by the People pages. */
import { api } from '../../api.ts';

export interface Group {
  id: number;
  name: string;
  usb_attack: boolean;
  client_id: number;
  recipient_count: number;
}

export interface Recipient {
  id: number;
  email: string;
  name: string;
  firstname: string;
  lastname: string;
  phone: string;
  staff_type: string;
  location: string;
  division: string;
  custom_fields: string[];
  last_tested: string | null;
}

export interface CustomField {
  id: number;
  name: string;
  ldap_attribute: string;
}

export const loadCustomFields = () =>
  api.get<{ 'recipient-custom-fields': CustomField[] }>('/api/recipient-custom-fields', { limit: 100, sort: 'id' }).then((r) => r['recipient-custom-fields']);
