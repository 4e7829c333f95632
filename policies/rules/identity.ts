import { Container } from "./types";
import { PROXY_ENV_PREFIX, settingNames } from "./settings";

// ---------------------------------------------------------------------------------------------
// Roles: identify containers by what they are, not what they are called.
// ---------------------------------------------------------------------------------------------

export function isOauth2Proxy(c: Container): boolean {
  if (typeof c.image === "string" && c.image.toLowerCase().includes("oauth2-proxy")) return true;
  if (settingNames(c).some((n) => n.startsWith(PROXY_ENV_PREFIX))) return true;
  const first = c.command[0] ?? "";
  return /(^|\/)oauth2-proxy(\s|$)/.test(first);
}

export function isOpenWebui(c: Container): boolean {
  if (typeof c.image === "string" && c.image.toLowerCase().includes("open-webui")) return true;
  return settingNames(c).some((n) => n.startsWith("WEBUI_"));
}
