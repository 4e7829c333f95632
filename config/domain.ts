/**
 * How long `pluto:domain` may be. The sign-in pages live at `auth.<domain>`, a Cognito custom
 * domain with its own ACM certificate, and both services cap the name below DNS's 253 characters.
 */

/** The host prefix of the Cognito managed login pages. */
export const AUTH_HOST_PREFIX = "auth.";

/**
 * A Cognito custom domain is at most 63 characters
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html, Domain).
 */
export const COGNITO_CUSTOM_DOMAIN_MAX = 63;

/**
 * ACM refuses a certificate whose first domain name (its Common Name) is over 64 characters, per
 * RFC 5280 (https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html, DomainName).
 * The app's own certificate has `domain` as its first name, the sign-in pages' `auth.<domain>`.
 */
export const ACM_FIRST_DOMAIN_NAME_MAX = 64;

/** The longest `pluto:domain` that every name derived from it fits: 58 characters. */
export const DOMAIN_MAX = Math.min(ACM_FIRST_DOMAIN_NAME_MAX, COGNITO_CUSTOM_DOMAIN_MAX) - AUTH_HOST_PREFIX.length;

/** Why `domain` is too long for the names built from it, or undefined when it fits. */
export function domainLengthProblem(domain: string): string | undefined {
  if (domain.length <= DOMAIN_MAX) return undefined;
  return (
    `pluto:domain: "${domain}" is ${domain.length} characters; at most ${DOMAIN_MAX} fit, because the sign-in pages live at ` +
    `${AUTH_HOST_PREFIX}<domain> and Cognito takes a custom domain of at most ${COGNITO_CUSTOM_DOMAIN_MAX} characters ` +
    `(ACM a certificate's first name of at most ${ACM_FIRST_DOMAIN_NAME_MAX}); choose a shorter host name`
  );
}
