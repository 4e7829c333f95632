/** Small helpers shared by the Mermaid writers (https://mermaid.js.org/syntax/flowchart.html). */

/** A label Mermaid accepts inside `["…"]`: no double quotes, no line breaks. */
export function label(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/\n/g, " ");
}

/** The Markdown block a docs page embeds (GitHub renders ```mermaid fences). */
export function fenced(diagram: string): string {
  return "```mermaid\n" + diagram.trimEnd() + "\n```";
}
