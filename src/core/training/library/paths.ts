/**
 * Built-in learning paths: ordered lessons from LIBRARY_LESSONS, some required, some optional.
 * Original text written for Decoy.
 */
import type { LibraryPath } from './types.ts';

export const LIBRARY_PATHS: LibraryPath[] = [
  {
    key: 'security-essentials',
    name: 'Security Essentials',
    description: 'The foundations for everyone: recognising phishing and phone or text scams, protecting passwords and accounts, handling information and the office safely, and reporting anything suspicious quickly.',
    roleName: 'Security Apprentice',
    lessons: [
      { key: 'phishing-basics', required: true },
      { key: 'credentials-passwords', required: true },
      { key: 'credentials-mfa', required: true },
      { key: 'social-smishing', required: true },
      { key: 'social-vishing', required: true },
      { key: 'data-classification', required: true },
      { key: 'physical-tailgating', required: true },
      { key: 'reporting-incidents', required: true },
      { key: 'physical-clean-desk', required: false },
      { key: 'data-sharing', required: false },
      { key: 'credentials-passkeys', required: false },
    ],
  },
  {
    key: 'phishing-defender',
    name: 'Phishing Defender',
    description: 'A deeper look at the messages and calls behind most attacks: look-alike senders, payment fraud, QR codes, texts, cloned voices and attempts to get around multi-factor authentication, and how to report them.',
    roleName: 'Phishing Defender',
    lessons: [
      { key: 'phishing-basics', required: true },
      { key: 'phishing-bec', required: true },
      { key: 'phishing-qr-codes', required: true },
      { key: 'social-smishing', required: true },
      { key: 'social-vishing', required: true },
      { key: 'credentials-mfa', required: true },
      { key: 'reporting-incidents', required: true },
      { key: 'credentials-passkeys', required: false },
      { key: 'data-sharing', required: false },
    ],
  },
  {
    key: 'secure-developer',
    name: 'Secure Developer',
    description: 'Secure coding basics for people who build software: injection and parameterised queries, cross-site scripting and output encoding, secrets management and dependency risk.',
    roleName: 'Security Developer',
    lessons: [
      { key: 'coding-injection', required: true },
      { key: 'coding-xss', required: true },
      { key: 'coding-secrets', required: true },
      { key: 'coding-dependencies', required: true },
      { key: 'credentials-mfa', required: false },
      { key: 'data-classification', required: false },
      { key: 'reporting-incidents', required: false },
    ],
  },
  {
    key: 'fraud-defence',
    name: 'Fraud Defence for Finance Teams',
    description: 'For people who approve payments or handle financial and personal data: payment fraud by email and phone, verifying requests, handling sensitive data and acting fast when money has gone.',
    roleName: 'Fraud Defender',
    lessons: [
      { key: 'phishing-bec', required: true },
      { key: 'social-vishing', required: true },
      { key: 'data-classification', required: true },
      { key: 'reporting-incidents', required: true },
      { key: 'phishing-qr-codes', required: false },
      { key: 'data-sharing', required: false },
    ],
  },
];
