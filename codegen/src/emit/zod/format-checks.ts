/**
 * String formats, checked exactly as ajv-formats 3 does in its default "full" mode (MIT, © Evgeny Poberezkin),
 * so a generated zod validator and ajv agree on every instance. Each entry is the TypeScript source of a
 * `(value: string) => boolean` helper emitted into the generated module when a schema uses that format.
 */

const regexTest = (name: string, pattern: RegExp): string =>
  `const ${name} = (value: string): boolean => /${pattern.source}/${pattern.flags}.test(value);`;

const URI_PATTERN =
  /^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$/i;

const URI_REFERENCE_PATTERN =
  /^(?:[a-z][a-z0-9+\-.]*:)?(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'"()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})*)*)?(?:\?(?:[a-z0-9\-._~!$&'"()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'"()*+,;=:@/?]|%[0-9a-f]{2})*)?$/i;

const IPV6_PATTERN =
  /^((([0-9a-f]{1,4}:){7}([0-9a-f]{1,4}|:))|(([0-9a-f]{1,4}:){6}(:[0-9a-f]{1,4}|((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(([0-9a-f]{1,4}:){5}(((:[0-9a-f]{1,4}){1,2})|:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(([0-9a-f]{1,4}:){4}(((:[0-9a-f]{1,4}){1,3})|((:[0-9a-f]{1,4})?:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){3}(((:[0-9a-f]{1,4}){1,4})|((:[0-9a-f]{1,4}){0,2}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){2}(((:[0-9a-f]{1,4}){1,5})|((:[0-9a-f]{1,4}){0,3}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){1}(((:[0-9a-f]{1,4}){1,6})|((:[0-9a-f]{1,4}){0,4}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(:(((:[0-9a-f]{1,4}){1,7})|((:[0-9a-f]{1,4}){0,5}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:)))$/i;

const URL_PATTERN =
  /^(?:https?|ftp):\/\/(?:\S+(?::\S*)?@)?(?:(?!(?:10|127)(?:\.\d{1,3}){3})(?!(?:169\.254|192\.168)(?:\.\d{1,3}){2})(?!172\.(?:1[6-9]|2\d|3[0-1])(?:\.\d{1,3}){2})(?:[1-9]\d?|1\d\d|2[01]\d|22[0-3])(?:\.(?:1?\d{1,2}|2[0-4]\d|25[0-5])){2}(?:\.(?:[1-9]\d?|1\d\d|2[0-4]\d|25[0-4]))|(?:(?:[a-z0-9\u{00a1}-\u{ffff}]+-)*[a-z0-9\u{00a1}-\u{ffff}]+)(?:\.(?:[a-z0-9\u{00a1}-\u{ffff}]+-)*[a-z0-9\u{00a1}-\u{ffff}]+)*(?:\.(?:[a-z\u{00a1}-\u{ffff}]{2,})))(?::\d{2,5})?(?:\/[^\s]*)?$/iu;

const timeCheck = (name: string, strictTimeZone: boolean): string =>
  [
    `const ${name} = (value: string): boolean => {`,
    "  const match = /^(\\d\\d):(\\d\\d):(\\d\\d(?:\\.\\d+)?)(z|([+-])(\\d\\d)(?::?(\\d\\d))?)?$/i.exec(value);",
    "  if (!match) return false;",
    "  const hour = Number(match[1]);",
    "  const minute = Number(match[2]);",
    "  const second = Number(match[3]);",
    '  const sign = match[5] === "-" ? -1 : 1;',
    '  const zoneHour = Number(match[6] ?? "0");',
    '  const zoneMinute = Number(match[7] ?? "0");',
    `  if (zoneHour > 23 || zoneMinute > 59${strictTimeZone ? " || match[4] === undefined" : ""}) return false;`,
    "  if (hour <= 23 && minute <= 59 && second < 60) return true;",
    "  const utcMinute = minute - zoneMinute * sign;",
    "  const utcHour = hour - zoneHour * sign - (utcMinute < 0 ? 1 : 0);",
    "  return (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61;",
    "};",
  ].join("\n");

const dateTimeCheck = (name: string, time: string): string =>
  [
    `const ${name} = (value: string): boolean => {`,
    "  const parts = value.split(/t|\\s/i);",
    `  return parts.length === 2 && isDateFormat(parts[0] ?? "") && ${time}(parts[1] ?? "");`,
    "};",
  ].join("\n");

/** A format helper: its function name, the source, and the helpers it calls. */
export interface FormatCheck {
  readonly name: string;
  readonly source: string;
  readonly uses: readonly string[];
}

const check = (name: string, source: string, uses: readonly string[] = []): FormatCheck => ({
  name,
  source,
  uses,
});

/** ajv-formats' full-mode string formats by name; `password` and `binary` accept any string. */
export const STRING_FORMATS: Readonly<Record<string, FormatCheck | null>> = {
  date: check(
    "isDateFormat",
    [
      "const isDateFormat = (value: string): boolean => {",
      "  const match = /^(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)$/.exec(value);",
      "  if (!match) return false;",
      "  const year = Number(match[1]);",
      "  const month = Number(match[2]);",
      "  const day = Number(match[3]);",
      "  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);",
      "  const days = [0, 31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month] ?? 0;",
      "  return month >= 1 && month <= 12 && day >= 1 && day <= days;",
      "};",
    ].join("\n"),
  ),
  time: check("isTimeFormat", timeCheck("isTimeFormat", true)),
  "iso-time": check("isIsoTimeFormat", timeCheck("isIsoTimeFormat", false)),
  "date-time": check("isDateTimeFormat", dateTimeCheck("isDateTimeFormat", "isTimeFormat"), [
    "isDateFormat",
    "isTimeFormat",
  ]),
  "iso-date-time": check("isIsoDateTimeFormat", dateTimeCheck("isIsoDateTimeFormat", "isIsoTimeFormat"), [
    "isDateFormat",
    "isIsoTimeFormat",
  ]),
  duration: check(
    "isDurationFormat",
    regexTest("isDurationFormat", /^P(?!$)((\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?|(\d+W)?)$/),
  ),
  uri: check(
    "isUriFormat",
    `const isUriFormat = (value: string): boolean => /\\/|:/.test(value) && /${URI_PATTERN.source}/${URI_PATTERN.flags}.test(value);`,
  ),
  "uri-reference": check("isUriReferenceFormat", regexTest("isUriReferenceFormat", URI_REFERENCE_PATTERN)),
  "uri-template": check(
    "isUriTemplateFormat",
    regexTest(
      "isUriTemplateFormat",
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ajv-formats' uri-template, verbatim (excludes controls)
      /^(?:(?:[^\x00-\x20"'<>%\\^`{|}]|%[0-9a-f]{2})|\{[+#./;?&=,!@|]?(?:[a-z0-9_]|%[0-9a-f]{2})+(?::[1-9][0-9]{0,3}|\*)?(?:,(?:[a-z0-9_]|%[0-9a-f]{2})+(?::[1-9][0-9]{0,3}|\*)?)*\})*$/i,
    ),
  ),
  url: check("isUrlFormat", regexTest("isUrlFormat", URL_PATTERN)),
  email: check(
    "isEmailFormat",
    regexTest(
      "isEmailFormat",
      /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i,
    ),
  ),
  hostname: check(
    "isHostnameFormat",
    regexTest(
      "isHostnameFormat",
      /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$/i,
    ),
  ),
  ipv4: check(
    "isIpv4Format",
    regexTest(
      "isIpv4Format",
      /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
    ),
  ),
  ipv6: check("isIpv6Format", regexTest("isIpv6Format", IPV6_PATTERN)),
  regex: check(
    "isRegexFormat",
    [
      "const isRegexFormat = (value: string): boolean => {",
      "  if (/[^\\\\]\\\\Z/.test(value)) return false;",
      "  try {",
      "    new RegExp(value);",
      "    return true;",
      "  } catch {",
      "    return false;",
      "  }",
      "};",
    ].join("\n"),
  ),
  uuid: check(
    "isUuidFormat",
    regexTest("isUuidFormat", /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i),
  ),
  "json-pointer": check("isJsonPointerFormat", regexTest("isJsonPointerFormat", /^(?:\/(?:[^~/]|~0|~1)*)*$/)),
  "json-pointer-uri-fragment": check(
    "isJsonPointerUriFragmentFormat",
    regexTest(
      "isJsonPointerUriFragmentFormat",
      /^#(?:\/(?:[a-z0-9_\-.!$&'()*+,;:=@]|%[0-9a-f]{2}|~0|~1)*)*$/i,
    ),
  ),
  "relative-json-pointer": check(
    "isRelativeJsonPointerFormat",
    regexTest("isRelativeJsonPointerFormat", /^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~0|~1)*)*)$/),
  ),
  byte: check(
    "isByteFormat",
    regexTest("isByteFormat", /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/m),
  ),
  password: null,
  binary: null,
};

/** ajv-formats' number formats: the refinement expression on a number, or null when any number passes. */
export const NUMBER_FORMATS: Readonly<Record<string, string | null>> = {
  int32: "(value) => Number.isInteger(value) && value <= 2147483647 && value >= -2147483648",
  int64: "(value) => Number.isInteger(value)",
  float: null,
  double: null,
};
