import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { getCountryCallingCode } from 'libphonenumber-js';
import { countryOf, formatTyped, isFictional, judgeNumber, numberProblem } from '../src/numbers.js';
import { findCountry, toE164 } from '../src/phone.js';
import { ERROR_TEXTS } from '../src/errors.js';
import { describeError } from '../src/flow.js';

const vectors = JSON.parse(readFileSync(new URL('../../../phone/testdata/vectors.json', import.meta.url), 'utf8'));

/** lambdaError is the error Amplify throws for phonepass's answer, as Cognito passes it on. */
function lambdaError(trigger, message) {
  const e = new Error(`${trigger} failed with error ${message}.`);
  e.name = 'UserLambdaValidationException';
  return e;
}

/**
 * lambdaMessage is what the Lambda answers for a number it refuses (Go:
 * triggers' checkPhone with phone.Check's errors), from a vector.
 */
function lambdaMessage(v) {
  if (v.valid) return '[cannot_text] this number cannot receive text messages';
  const cc = getCountryCallingCode(v.region);
  return `[number_invalid] not a valid phone number for ${v.region} (+${cc})`;
}

// The Lambda's own words (phone/check.go), read from its source so that a
// change of wording there fails here.
const checkGo = readFileSync(new URL('../../../phone/check.go', import.meta.url), 'utf8');
const LAMBDA_CANNOT_TEXT = /ErrCannotText = errors\.New\("([^"]+)"\)/.exec(checkGo)?.[1];
const LAMBDA_INVALID = /msg := "(not a valid phone number for) "/.exec(checkGo)?.[1];

test('shared vectors: numbers', async (t) => {
  const has = (v, k) => Object.hasOwn(v, k);
  let typed = 0;
  for (const v of vectors.numbers) {
    await t.test(`${v.number} (${v.region} ${v.type}${v.fictional ? ', fictional' : ''})`, () => {
      const got = judgeNumber(v.number);
      const problem = numberProblem(v.number);
      assert.equal(isFictional(v.number), Boolean(v.fictional), 'isFictional disagrees with phone.Fictional');

      // The page never refuses what the Lambda takes: deployed (text), or
      // in the local pool (fictional numbers).
      if (v.text || v.fictional) assert.equal(problem, undefined, `the page refuses a number the Lambda takes: ${problem?.code}`);
      // When it refuses, it is for the Lambda's reason.
      if (problem) assert.equal(problem.code, v.valid ? 'cannot_text' : 'number_invalid');

      if (v.fictional) {
        assert.equal(got.valid, null, 'a fictional number is left to the Lambda');
        assert.ok(!has(v, 'page_valid') && !has(v, 'page_text'), 'the page does not judge fictional numbers: no page_valid or page_text');
        return;
      }
      const wantValid = has(v, 'page_valid') ? v.page_valid : v.valid;
      const wantText = has(v, 'page_text') ? v.page_text : v.text;
      assert.equal(got.valid, wantValid, `valid: the page says ${got.valid}`);
      assert.equal(got.text, wantText, `text: the page says ${got.text}`);
      // page_* record disagreements only, each with its reason.
      if (has(v, 'page_valid')) assert.notEqual(v.page_valid, v.valid, 'page_valid equals valid: drop it');
      if (has(v, 'page_text')) assert.notEqual(v.page_text, v.text, 'page_text equals text: drop it');
      const differs = has(v, 'page_valid') || has(v, 'page_text');
      assert.equal(typeof v.page_why === 'string' && v.page_why.length > 20, differs, differs ? 'page_valid or page_text without page_why' : 'page_why without page_valid or page_text');

      if (got.valid) assert.equal(got.region, v.region, 'region');
      if (got.type !== undefined) {
        typed++;
        assert.equal(got.type, v.type, 'line type, where the min metadata has one');
      }
      const wantProblem = got.valid === false ? 'number_invalid' : got.text === false ? 'cannot_text' : undefined;
      assert.equal(problem?.code, wantProblem);
    });
  }
  await t.test('the min metadata knows some line types', () => assert.ok(typed >= 5, `only ${typed} numbers with a type`));
});

test('numbers the vectors lack: non-geographic codes of one line type', async (t) => {
  // Go's phone.Lookup gives these 001/800 toll_free, 001/808 shared_cost and
  // 001/979 premium_rate; the min metadata has those patterns too.
  const cases = [
    { number: '+80012345678', type: 'toll_free', code: 'cannot_text' },
    { number: '+80812345678', type: 'shared_cost', code: 'cannot_text' },
    { number: '+979123456789', type: 'premium_rate', code: 'cannot_text' },
    { number: '+447700900999', fictional: true }, // the ends of the fictional ranges
    { number: '+447700900000', fictional: true },
    { number: '+12125550199', fictional: true },
    { number: '+12125550200', type: 'fixed_line_or_mobile' }, // just outside
    { number: '+4477009001234', code: 'number_invalid' },
  ];
  for (const c of cases) {
    await t.test(c.number, () => {
      const got = judgeNumber(c.number);
      assert.equal(got.fictional, Boolean(c.fictional));
      if (c.type) assert.equal(got.type, c.type);
      assert.equal(numberProblem(c.number)?.code, c.code);
    });
  }
});

test('pre-submit messages: the Lambda\'s words', async (t) => {
  await t.test('the Lambda\'s wording is found in phone/check.go', () => {
    assert.equal(LAMBDA_CANNOT_TEXT, 'this number cannot receive text messages');
    assert.equal(LAMBDA_INVALID, 'not a valid phone number for');
  });
  await t.test('cannot_text', () => {
    const got = numberProblem('+442079460000');
    assert.deepEqual(got, { code: 'cannot_text', text: 'This number cannot receive text messages. Use a mobile number.' });
    assert.equal(got.text, ERROR_TEXTS.cannot_text.text);
    assert.ok(got.text.toLowerCase().includes(LAMBDA_CANNOT_TEXT), `"${got.text}" lacks the Lambda's "${LAMBDA_CANNOT_TEXT}"`);
  });
  await t.test('number_invalid', () => {
    const got = numberProblem('+10000000000');
    assert.deepEqual(got, { code: 'number_invalid', text: 'That is not a valid phone number for its country. Check the country and the number.' });
    assert.equal(got.text, ERROR_TEXTS.number_invalid.text);
    assert.ok(got.text.includes(LAMBDA_INVALID), `"${got.text}" lacks the Lambda's "${LAMBDA_INVALID}"`);
  });
  // Before sending, the page says exactly what it shows when the Lambda
  // answers, for every shared number it refuses.
  for (const v of vectors.numbers) {
    const problem = numberProblem(v.number);
    if (!problem) continue;
    await t.test(`${v.number}: as the Lambda's answer reads on the page`, () => {
      const err = lambdaError('PreSignUp', lambdaMessage(v));
      assert.equal(problem.text, describeError(err).text, err.message);
    });
  }
});

test('formatTyped: national numbers as typed', async (t) => {
  const cases = [
    { iso: 'GB', typed: '07700900123', want: '07700 900123' },
    { iso: 'GB', typed: '07700-900-123', want: '07700 900123' },
    { iso: 'GB', typed: '020 7946 0000', want: '020 7946 0000' },
    { iso: 'US', typed: '2065550100', want: '(206) 555-0100' },
    { iso: 'US', typed: '1 206 555 0100', want: '1 (206) 555-0100' },
    { iso: 'CA', typed: '4165550123', want: '(416) 555-0123' },
    { iso: 'DE', typed: '015123456789', want: '01512 3456789' },
    { iso: 'FR', typed: '0612345678', want: '06 12 34 56 78' },
    { iso: 'IT', typed: '0612345678', want: '06 1234 5678' },
    { iso: 'JP', typed: '09012345678', want: '090-1234-5678' },
    { iso: 'BR', typed: '11961234567', want: '(11) 96123-4567' },
    { iso: 'IN', typed: '9123456789', want: '91234 56789' },
  ];
  for (const c of cases) {
    await t.test(`${c.iso} ${c.typed}`, () => {
      const got = formatTyped(c.typed, c.iso);
      assert.deepEqual(got, { text: c.want, country: undefined });
      // Formatting never changes what is sent.
      const country = findCountry(c.iso);
      assert.deepEqual(toE164(got.text, country), toE164(c.typed, country));
    });
  }
});

test('formatTyped: key by key', async (t) => {
  // Each key pressed at the end of what the field shows.
  const typeKeys = (keys, iso) => {
    const shown = [];
    let text = '';
    for (const k of keys) {
      text = formatTyped(text + k, iso).text;
      shown.push(text);
    }
    return shown;
  };
  await t.test('GB', () => {
    assert.deepEqual(typeKeys('07700900123', 'GB'), [
      '0', '07', '077', '0770', '07700', '07700 9', '07700 90', '07700 900', '07700 9001', '07700 90012', '07700 900123',
    ]);
  });
  await t.test('US', () => {
    assert.deepEqual(typeKeys('2065550100', 'US'), [
      '2', '20', '(206)', '(206) 5', '(206) 55', '(206) 555', '(206) 555-0', '(206) 555-01', '(206) 555-010', '(206) 555-0100',
    ]);
  });
  await t.test('international, with 00', () => {
    assert.equal(typeKeys('00447700900123', 'FR').at(-1), '00 44 7700 900123');
  });
});

test('formatTyped: + and 00 set the country', async (t) => {
  const cases = [
    { name: '+44 from the United States', typed: '+447700900123', selected: 'US', want: { text: '+44 7700 900123', country: 'GB' } },
    { name: 'spaces and brackets kept out', typed: '+44 (7700) 900-123', selected: 'US', want: { text: '+44 7700 900123', country: 'GB' } },
    { name: '00 as +', typed: '0049 151 23456789', selected: 'GB', want: { text: '00 49 1512 3456789', country: 'DE' } },
    { name: 'a Canadian area code', typed: '+14165550123', selected: 'US', want: { text: '+1 416 555 0123', country: 'CA' } },
    { name: 'an American one', typed: '+12065550100', selected: 'CA', want: { text: '+1 206 555 0100', country: 'US' } },
    { name: '+1 too short to tell keeps Canada', typed: '+1416', selected: 'CA', want: { text: '+1 416', country: 'CA' } },
    { name: '+1 too short to tell from elsewhere: the main country', typed: '+1416', selected: 'GB', want: { text: '+1 416', country: 'US' } },
    { name: 'the calling code alone', typed: '+33', selected: 'GB', want: { text: '+33', country: 'FR' } },
    { name: 'a fictional number: its calling code', typed: '+447700900123', selected: 'GB', want: { text: '+44 7700 900123', country: 'GB' } },
    { name: 'Isle of Man', typed: '+447624123456', selected: 'GB', want: { text: '+44 7624 123456', country: 'IM' } },
    { name: 'not in the picker\'s list', typed: '+79123456789', selected: 'GB', want: { text: '+7 912 345 67 89', country: 'RU' } },
    { name: 'no calling code yet', typed: '+3', selected: 'GB', want: { text: '+3', country: undefined } },
    { name: 'just +', typed: '+', selected: 'GB', want: { text: '+', country: undefined } },
    { name: 'just 00', typed: '00', selected: 'GB', want: { text: '00', country: undefined } },
    { name: 'a non-geographic code has no country', typed: '+80012345678', selected: 'GB', want: { text: '+800 1234 5678', country: undefined } },
    { name: 'a national number does not move the picker', typed: '07700 900123', selected: 'GB', want: { text: '07700 900123', country: undefined } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepEqual(formatTyped(c.typed, c.selected), c.want));
  }
});

test('formatTyped: what it leaves alone', async (t) => {
  for (const typed of ['07700 9OO123', '0770 CALL ME', '+44 7700 ext 12', '0+44', '']) {
    await t.test(JSON.stringify(typed), () => assert.deepEqual(formatTyped(typed, 'GB'), { text: typed, country: undefined }));
  }
});

test('shared vectors: typed input, formatted first', async (t) => {
  // What the page sends is the same whether or not the field was formatted.
  for (const c of vectors.typed) {
    await t.test(`${c.country} ${JSON.stringify(c.input)}`, () => {
      const country = findCountry(c.country);
      const shown = formatTyped(c.input, c.country).text;
      const got = toE164(shown, country);
      if (c.error) assert.equal(got.error, c.error, `shown as ${JSON.stringify(shown)}`);
      else assert.equal(got.phone, c.phone, `shown as ${JSON.stringify(shown)}`);
    });
  }
});

test('countryOf', async (t) => {
  await t.test('a listed country is the list\'s', () => assert.equal(countryOf('gb'), findCountry('GB')));
  await t.test('another from the metadata', () => {
    const im = countryOf('IM');
    assert.deepEqual(im, { iso: 'IM', name: 'Isle of Man', dial: '44', trunk: '0' });
    assert.equal(toE164('07624 123456', im).phone, '+447624123456');
  });
  await t.test('Russia\'s trunk prefix is 8', () => assert.equal(countryOf('RU').trunk, '8'));
  await t.test('unknown', () => {
    assert.equal(countryOf('XX'), undefined);
    assert.equal(countryOf(undefined), undefined);
  });
});
