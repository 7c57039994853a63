import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_LOCALE_LENGTH, signUpAttributes, signUpLocale } from '../src/locale.js';

test('signUpLocale', async (t) => {
  const long = 'en-US-u-ca-gregory-hc-h23-nu-latn'; // a real tag, near the limit, canonical
  const cases = [
    { name: 'language and region', language: 'pt-BR', want: 'pt-BR' },
    { name: 'language alone', language: 'de', want: 'de' },
    { name: 'with a script', language: 'zh-Hant-TW', want: 'zh-Hant-TW' },
    { name: 'canonical case', language: 'PT-br', want: 'pt-BR' },
    { name: 'spaces around', language: ' fr-CA ', want: 'fr-CA' },
    { name: 'long but real', language: long, want: long },
    { name: 'keywords in canonical order', language: 'en-US-u-nu-latn-ca-gregory', want: 'en-US-u-ca-gregory-nu-latn' },
    { name: 'missing', language: undefined, want: undefined },
    { name: 'null', language: null, want: undefined },
    { name: 'empty', language: '', want: undefined },
    { name: 'undetermined', language: 'und', want: undefined },
    { name: 'POSIX, not BCP 47', language: 'en_US', want: undefined },
    { name: 'not a tag', language: 'English (UK)', want: undefined },
    { name: 'too long', language: 'en-' + 'abcdefgh-'.repeat(4) + 'x', want: undefined },
    { name: 'not a string', language: 42, want: undefined },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(signUpLocale(c.language), c.want));
  }
  await t.test('the limit', () => {
    assert.ok(long.length <= MAX_LOCALE_LENGTH, `${long} is ${long.length} characters`);
    assert.equal(MAX_LOCALE_LENGTH, 35);
    const over = 'de-DE-u-co-phonebk-nu-latn-hc-h23-x-ab'; // well-formed, 38 characters
    assert.ok(over.length > MAX_LOCALE_LENGTH);
    assert.equal(signUpLocale(over), undefined);
  });
});

test('signUpAttributes', async (t) => {
  await t.test('with a language', () => assert.deepEqual(signUpAttributes('pt-BR'), { locale: 'pt-BR' }));
  await t.test('without one', () => assert.deepEqual(signUpAttributes(undefined), {}));
  await t.test('never the phone number', () => assert.ok(!('phone_number' in signUpAttributes('en-GB'))));
});
