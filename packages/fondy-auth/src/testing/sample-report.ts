/**
 * The sandbox's default report: id 745 ("All transactions"), with the fields and rows of the
 * documentation's example answer.
 */

/** A report the sandbox serves: its field names and its rows (one value per field). */
export interface FondySandboxReport {
  readonly fields: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

const FIELDS = [
  'payment_id',
  'order_time',
  'order_status',
  'actual_amount',
  'currency',
  'fee',
  'order_id',
  'settlement_amount',
  'settlement_currency',
  'settlement_date',
  'settlement_status',
  'odb_ref',
  'tran_time',
  'settlement_type',
  'payment_system',
  'sender_email',
  'order_desc',
  'merchant_data',
  'settlement_desc',
  'transaction_id',
] as const;

export const sampleReports: Readonly<Record<string, FondySandboxReport>> = Object.freeze({
  '745': {
    fields: FIELDS,
    rows: [
      [
        1234567890,
        '2025-01-23 10:58:38',
        'approved',
        '630.00',
        'GEL',
        '11.97',
        'test-25697841-1',
        '618.03',
        'EUR',
        '2025-01-24 08:00:00',
        'completed',
        '2426012568',
        '2025-01-23 10:58:38',
        'purchase',
        'Visa/MC',
        'test@test.com',
        'Test order 1',
        '[]',
        'Test payment 1',
        10000000001,
      ],
      [
        1234567891,
        '2025-01-23 10:56:51',
        'approved',
        '572.86',
        'GEL',
        '10.88',
        'test-94341241-1',
        '561.98',
        'EUR',
        '2025-01-24 08:00:00',
        'completed',
        '2426012568',
        '2025-01-23 10:56:51',
        'purchase',
        'Visa/MC',
        'test2@test.com',
        'Test order 2',
        '[]',
        'Test payment 2',
        10000000002,
      ],
    ],
  },
});
