// What a CloudWatch Logs metric filter counts, and how Lambda stores a function's log lines.
// The e2e applies the deployed metric filter's pattern to what the deployed producer actually
// wrote, so the enqueue-failed alarm is proven to see a failed enqueue.

/**
 * Whether `pattern` matches `message`, for CloudWatch Logs' term patterns on unstructured events
 * (docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html, "Matching terms
 * in unstructured log events"): terms are separated by spaces and all must occur (case-sensitive);
 * a term in double quotes is an exact phrase; `?term` terms match when any of them occurs; `-term`
 * excludes events holding it; an empty pattern matches everything. Each term is matched as a
 * substring. JSON (`{ ... }`), space-delimited (`[ ... ]`) and regex (`%...%`) patterns are not
 * modelled and are refused, so a change of the deployed pattern fails here loudly.
 */
export function filterPatternMatches(pattern: string, message: string): boolean {
  const trimmed = pattern.trim();
  if (/^[{[%]/.test(trimmed)) throw new Error(`filter pattern ${JSON.stringify(pattern)} is not a term pattern; the e2e models term patterns only`);
  const terms = [...trimmed.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)].map((m) => ({ op: m[1], text: (m[2] ?? m[3]).replace(/\\(.)/g, "$1") }));
  const required = terms.filter((t) => t.op === "");
  const anyOf = terms.filter((t) => t.op === "?");
  const excluded = terms.filter((t) => t.op === "-");
  return (
    required.every((t) => message.includes(t.text)) &&
    (anyOf.length === 0 || anyOf.some((t) => message.includes(t.text))) &&
    !excluded.some((t) => message.includes(t.text))
  );
}

/**
 * A console line as Lambda's Node.js runtime stores it with the Text log format:
 * `<ISO time>\t<request id>\t<LEVEL>\t<message>`, INFO for console.log and ERROR for console.error
 * (docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html).
 */
export function lambdaTextLine(time: Date, requestId: string, level: "INFO" | "ERROR", message: string): string {
  return `${time.toISOString()}\t${requestId}\t${level}\t${message}`;
}
