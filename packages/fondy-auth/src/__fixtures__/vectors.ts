/** Known-answer vectors from the spec (`protocols.md` §4). */

/** §4.1 [SELF]: computed from the documented algorithm, not confirmed by Fondy (its keys are unpublished). */
export const tokenSignatureVector = {
  secretKey: 'secret-key',
  applicationId: '1234',
  date: '2020-04-06 11:15:27',
  signature:
    '5e67765dea7563887be899589cbcc1f13a57d69cafafba39abe3943074e407d02fbd6d07782dd5928716b60faf98df912038f242cc7d35d0fd487943dcfc143b',
} as const;

/** §4.3: the docs' test request (merchant 1396424, payment key `test`); the docs print a typo for it. */
export const classicSignatureVector = {
  paymentKey: 'test',
  params: { order_id: 'test123456', order_desc: 'test order', currency: 'USD', amount: 125, merchant_id: 1396424 },
  signingString: '125|USD|1396424|test order|test123456',
  signature: 'df38818facfbfd79953fa847667dac73a1291127',
  docTypo: 'f0ee6288b9295d3b808bcd8d720211c7201245e1',
} as const;
