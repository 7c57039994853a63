// What libphonenumber-js's min metadata tells of a number, from
// @phonepass/web (see clients/web/src/numbers.ts for what it can and cannot
// tell): formatted as typed, the country of a + number, and what the Lambda
// would refuse it for, here with the page's sentence for that code.
import { ERROR_TEXTS, numberProblem as problemCode } from '@phonepass/web';

export { TEXT_TYPES, countryOf, formatTyped, isFictional, judgeNumber } from '@phonepass/web';

/** numberProblem returns { code, text } for what the Lambda would refuse number for, or undefined. */
export function numberProblem(number) {
  const code = problemCode(number);
  return code ? { code, text: ERROR_TEXTS[code].text } : undefined;
}
