import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { toE164, findCountry, guessCountry, isE164 } from '../src/phone.js';

test('toE164', async (t) => {
  const cases = [
    { name: 'UK mobile with leading 0 and spaces', input: '07700 900123', iso: 'GB', want: '+447700900123' },
    { name: 'UK mobile with dashes', input: '07700-900-123', iso: 'GB', want: '+447700900123' },
    { name: 'US number with brackets and dots', input: '(415) 555.0100', iso: 'US', want: '+14155550100' },
    { name: 'US number with trunk 1', input: '1 415 555 0100', iso: 'US', want: '+14155550100' },
    { name: 'German number with leading 0', input: '0151 2345 6789', iso: 'DE', want: '+4915123456789' },
    { name: 'Italian number keeps its 0', input: '06 1234 5678', iso: 'IT', want: '+390612345678' },
    { name: 'international with + ignores the country', input: '+44 7700 900123', iso: 'US', want: '+447700900123' },
    { name: 'international with 00', input: '0044 7700 900123', iso: 'DE', want: '+447700900123' },
    { name: 'empty', input: '  ', iso: 'GB', err: /Enter your phone number/ },
    { name: 'letters', input: '0770 CALL ME', iso: 'GB', err: /only digits/ },
    { name: 'too short', input: '123', iso: 'GB', err: /too short/ },
    { name: 'too long', input: '+1234567890123456', iso: 'GB', err: /too long/ },
    { name: 'country code 0', input: '+0123456789', iso: 'GB', err: /never starts with 0/ },
    { name: 'no country', input: '07700 900123', iso: 'XX', err: /Choose your country/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = toE164(c.input, findCountry(c.iso));
      if (c.err) {
        assert.equal(got.phone, undefined, `got phone ${got.phone}, want an error`);
        assert.match(got.error, c.err);
      } else {
        assert.equal(got.phone, c.want, `got ${JSON.stringify(got)}, want ${c.want}`);
      }
    });
  }
});

test('guessCountry', async (t) => {
  const cases = [
    { name: 'region of the first known tag', langs: ['de', 'en-GB', 'fr-FR'], want: 'GB' },
    { name: 'lowercase region', langs: ['pt-br'], want: 'BR' },
    { name: 'unknown region falls back to the first country', langs: ['xx-ZZ'], want: 'US' },
    { name: 'no languages', langs: [], want: 'US' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(guessCountry(c.langs).iso, c.want);
    });
  }
});

// The Lambda's own test vectors (Go package phone): the page accepts and
// refuses exactly what the Lambda does, and what it makes of typed input is
// what the vectors say.
const vectors = JSON.parse(readFileSync(new URL('../../../phone/testdata/vectors.json', import.meta.url), 'utf8'));

test('shared vectors: E.164', async (t) => {
  for (const number of vectors.valid) {
    await t.test(`valid ${number}`, () => {
      assert.equal(isE164(number), true);
      assert.equal(toE164(number, findCountry('GB')).phone, number);
    });
  }
  for (const { number, why } of vectors.invalid) {
    await t.test(`invalid: ${why}`, () => assert.equal(isE164(number), false, `isE164(${JSON.stringify(number)})`));
  }
});

test('shared vectors: typed input', async (t) => {
  for (const c of vectors.typed) {
    await t.test(`${c.country} ${JSON.stringify(c.input)}`, () => {
      const got = toE164(c.input, findCountry(c.country));
      if (c.error) assert.equal(got.error, c.error);
      else {
        assert.equal(got.phone, c.phone);
        assert.equal(isE164(got.phone), true);
      }
    });
  }
});
