/**
 * Strings at the edges of each format for the schema-steered generator: `valid` ones (mostly accepted by
 * ajv-formats) and `invalid` ones (mostly rejected). ajv decides in the end; these only steer the mix.
 */
export const FORMAT_SAMPLES: Readonly<
  Record<string, { readonly valid: string[]; readonly invalid: string[] }>
> = {
  "date-time": {
    valid: [
      "2024-02-29T12:00:00Z",
      "2024-01-01T23:59:60Z",
      "2024-01-01T22:59:60-01:00",
      "2024-01-01t10:00:00.123456z",
      "2024-01-01 10:00:00Z",
      "2024-01-01T10:00:00+0530",
      "2000-02-29T00:00:00Z",
      "1999-12-31T23:59:59.999+14:00",
    ],
    invalid: [
      "2023-02-29T12:00:00Z",
      "2024-01-01T23:59:60+01:00",
      "2024-01-01T10:00:00",
      "2024-01-01T10:00:00+24:00",
      "2024-13-01T10:00:00Z",
      "2024-04-31T10:00:00Z",
      "2024-01-01T24:00:00Z",
      "2024-01-01T10:60:00Z",
      "2024-01-01TT10:00:00Z",
      "1900-02-29T00:00:00Z",
      "",
    ],
  },
  "iso-date-time": {
    valid: ["2024-01-01T10:00:00", "2024-01-01 10:00:00Z", "2024-02-29t00:00:00.5"],
    invalid: ["2024-01-01", "2024-01-01T25:00:00", "2023-02-29T00:00:00"],
  },
  date: {
    valid: ["2024-02-29", "2000-02-29", "2024-12-31", "0001-01-01"],
    invalid: [
      "2023-02-29",
      "1900-02-29",
      "2024-00-10",
      "2024-12-32",
      "24-01-01",
      "2024-1-01",
      "２０２４-01-01",
    ],
  },
  time: {
    valid: ["10:00:00Z", "23:59:60Z", "23:59:60+00:00", "10:00:00.5+01:00", "10:00:00+01", "00:00:00-23:59"],
    invalid: ["10:00:00", "25:00:00Z", "10:00:60Z", "00:00:00+24:00", "1:00:00Z"],
  },
  "iso-time": {
    valid: ["10:00:00", "10:00:00Z", "23:59:60Z"],
    invalid: ["10:00", "24:00:00", "10:00:00+25:00"],
  },
  email: {
    valid: ["a@b.co", "first.last@example.com", "a+b@sub.example.org", "x@a-b.io"],
    invalid: [
      "a..b@example.com",
      ".a@example.com",
      "a@example",
      "a@-example.com",
      "a b@example.com",
      "é@example.com",
    ],
  },
  uri: {
    valid: ["https://example.com/a?b#c", "urn:isbn:0451450523", "mailto:a@b.co", "http://[::1]:80/"],
    invalid: ["example.com", "http://a b.com", "//example.com", "http://example.com/%zz", "a:b"],
  },
  "uri-reference": {
    valid: ["/a/b?c#d", "https://example.com", "#frag", "a/b"],
    invalid: ["http://a b", "%zz", "\\\\server"],
  },
  "uri-template": {
    valid: ["/users/{id}", "http://example.com/{+path}{?q,r}"],
    invalid: ["/users/{id", "/a b"],
  },
  url: {
    valid: ["https://example.com/x", "ftp://files.example.org"],
    invalid: ["http://10.0.0.1", "mailto:a@b.co", "http://localhost"],
  },
  uuid: {
    valid: [
      "123e4567-e89b-12d3-a456-426614174000",
      "123E4567-E89B-12D3-A456-426614174000",
      "urn:uuid:123e4567-e89b-12d3-a456-426614174000",
      "00000000-0000-0000-0000-000000000000",
    ],
    invalid: [
      "123e4567e89b12d3a456426614174000",
      "123e4567-e89b-12d3-a456-42661417400",
      "g23e4567-e89b-12d3-a456-426614174000",
    ],
  },
  ipv4: {
    valid: ["0.0.0.0", "255.255.255.255", "192.168.1.1"],
    invalid: ["256.0.0.1", "1.2.3", "01.2.3.4", "1.2.3.4 "],
  },
  ipv6: {
    valid: ["::", "::1", "2001:db8::8a2e:370:7334", "1:2:3:4:5:6:7:8", "::ffff:192.168.1.1"],
    invalid: ["1:2:3:4:5:6:7:8:9", "2001:db8:::1", "fe80::1%eth0", "G::1"],
  },
  hostname: {
    valid: ["example.com", "a", `${"a".repeat(63)}.com`, "example.com."],
    invalid: ["-a.com", "a-.com", `${"a".repeat(64)}.com`, "a..b"],
  },
  duration: { valid: ["P1D", "PT1H", "P1W", "P1Y2M3DT4H5M6S"], invalid: ["P", "PT", "P1W2D", "1D"] },
  "json-pointer": { valid: ["", "/a/b", "/a~0b/~1"], invalid: ["a", "/a~2", "#/a"] },
  "relative-json-pointer": { valid: ["0", "1/a", "2#"], invalid: ["-1", "01", "/a"] },
  regex: { valid: ["^a+$", "[a-z]", "\\d"], invalid: ["(", "[a-", "a\\Z"] },
  byte: { valid: ["", "YWJj", "YWI=", "YQ=="], invalid: ["YQ", "Y===", "!!!!", "YWJj\n!"] },
};
