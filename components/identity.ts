import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { HOSTED_DOMAIN_ATTRIBUTE } from "../functions/preSignUp";
import { storedSecret } from "../secrets/storedSecret";
import { ValidatedCertificate } from "./validatedCertificate";
import { signedOutUrl } from "../settings/golden";

/** CloudFront, behind every Cognito custom domain, takes ACM certificates from this region only. */
export const CLOUDFRONT_CERTIFICATE_REGION = "us-east-1";

/** The user pool's feature plan: the cheapest one that serves managed login version 2. */
export const USER_POOL_TIER = "ESSENTIALS";

export interface IdentityArgs {
  namePrefix: string;
  /** The app host; the hosted UI lives at `auth.<domain>`. */
  domain: string;
  region: string;
  zoneId: pulumi.Input<string>;
  /** The `domain` alias record: Cognito refuses a custom domain whose parent does not resolve yet. */
  appRecord: pulumi.Resource;
  googleClientId: string;
  googleClientSecret: pulumi.Input<string>;
  /** Further hosts signed in through the same app client (e.g. n8n.<domain>). Defaults to none. */
  extraHosts?: string[];
  /** Function that decides whether a person may join (the allow-list); Cognito runs it before creating any user. Defaults to none. */
  preSignUp?: aws.lambda.Function;
  /** Function run after a user confirms sign-up (the provisioning producer). Defaults to none. */
  postConfirmation?: aws.lambda.Function;
  /** Function that shapes the ID token's claims (the person's name for oauth2-proxy; see `NameClaim`). Defaults to none. */
  preTokenGeneration?: aws.lambda.Function;
  /** Protect the pool from deletion (it holds every user). Defaults to true. */
  deletionProtection?: boolean;
  tags?: Record<string, string>;
}

/**
 * Cognito federated with Google: the user pool, the Google identity provider, the managed login
 * pages on `auth.<domain>`, the app client used by oauth2-proxy (secret in Secrets Manager) and
 * the Lambda triggers: PreSignUp (who may join), PostConfirmation (onboarding) and Pre Token
 * Generation (the person's name in the ID token).
 */
export class Identity extends pulumi.ComponentResource {
  readonly userPool: aws.cognito.UserPool;
  readonly client: aws.cognito.UserPoolClient;
  readonly authDomain: string;
  /** OIDC issuer for oauth2-proxy: https://cognito-idp.REGION.amazonaws.com/POOL_ID. */
  readonly issuerUrl: pulumi.Output<string>;
  /** The app client secret for ECS (`valueFrom`: its Secrets Manager ARN pinned to the stored version). */
  readonly clientSecretArn: pulumi.Output<string>;

  constructor(name: string, args: IdentityArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:identity:Identity", name, {}, opts);
    const tags = { Name: name, ...args.tags };
    this.authDomain = `auth.${args.domain}`;
    const hostUrls = [args.domain, ...(args.extraHosts ?? [])].map((h) => `https://${h}`);

    this.userPool = new aws.cognito.UserPool(
      `${name}-pool`,
      {
        name: `${args.namePrefix}-users`,
        usernameAttributes: ["email"],
        autoVerifiedAttributes: ["email"],
        deletionProtection: args.deletionProtection === false ? "INACTIVE" : "ACTIVE",
        // Managed login (version 2) and its branding need the Essentials or Plus feature plan
        // (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html);
        // stated, not left to the API's default, which has changed before (LITE for older pools).
        userPoolTier: USER_POOL_TIER,
        adminCreateUserConfig: { allowAdminCreateUserOnly: false },
        accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
        schemas: [HOSTED_DOMAIN_SCHEMA],
        lambdaConfig: cognitoTriggers(args),
        tags,
      },
      // Every user. `protect`: Pulumi refuses a plan that would replace or delete it, instead of
      // creating a second, empty pool and then failing to delete this one (deletion protection),
      // which leaves the stack half-replaced. See docs/stateful-resources.md.
      { parent: this, protect: true },
    );

    // Without an invoke permission Cognito's call fails with AccessDeniedException and the
    // sign-up or sign-in breaks; the pool ARN as sourceArn keeps other pools out.
    const triggers: [string, aws.lambda.Function | undefined][] = [
      ["presignup", args.preSignUp],
      ["postconfirm", args.postConfirmation],
      ["pretoken", args.preTokenGeneration],
    ];
    for (const [role, fn] of triggers) {
      if (!fn) continue;
      new aws.lambda.Permission(
        `${name}-${role}-invoke`,
        {
          action: "lambda:InvokeFunction",
          function: fn.name,
          principal: "cognito-idp.amazonaws.com",
          sourceArn: this.userPool.arn,
        },
        { parent: this },
      );
    }

    const google = new aws.cognito.IdentityProvider(
      `${name}-google`,
      {
        userPoolId: this.userPool.id,
        providerName: "Google",
        providerType: "Google",
        providerDetails: {
          client_id: args.googleClientId,
          client_secret: args.googleClientSecret,
          authorize_scopes: "openid email profile",
        },
        // email_verified must be mapped: oauth2-proxy rejects an id_token whose email_verified is false.
        // `name` feeds the name claim (see NameClaim). `hd` is Google's hosted-domain claim, present
        // only for a Google Workspace account; the PreSignUp trigger reads it as `custom:hd` when
        // pluto:requireGoogleWorkspace is on. Cognito rewrites every mapped attribute at each
        // sign-in, so the app client must be allowed to write each of them (GOOGLE_WRITE_ATTRIBUTES).
        attributeMapping: {
          email: "email",
          email_verified: "email_verified",
          name: "name",
          given_name: "given_name",
          family_name: "family_name",
          picture: "picture",
          username: "sub",
          [HOSTED_DOMAIN_ATTRIBUTE]: "hd",
        },
      },
      { parent: this },
    );

    // Cognito serves custom domains through CloudFront, which only takes us-east-1 certificates.
    // The resource's own `region` keeps the stack's provider, and so the operator's credentials.
    const certificate = new ValidatedCertificate(
      `${name}-auth-tls`,
      {
        domainName: this.authDomain,
        zoneId: args.zoneId,
        region: CLOUDFRONT_CERTIFICATE_REGION,
        tags,
      },
      { parent: this },
    );

    const domain = new aws.cognito.UserPoolDomain(
      `${name}-domain`,
      {
        domain: this.authDomain,
        userPoolId: this.userPool.id,
        certificateArn: certificate.certificateArn,
        managedLoginVersion: 2,
      },
      // `auth.<domain>` is one domain: a replacement (e.g. of the pool) must free it before taking it again.
      { parent: this, dependsOn: [args.appRecord], deleteBeforeReplace: true },
    );

    new aws.route53.Record(
      `${name}-auth-alias`,
      {
        zoneId: args.zoneId,
        name: this.authDomain,
        type: "A",
        aliases: [{ name: domain.cloudfrontDistribution, zoneId: domain.cloudfrontDistributionZoneId, evaluateTargetHealth: false }],
      },
      { parent: this },
    );

    this.client = new aws.cognito.UserPoolClient(
      `${name}-oauth2-proxy`,
      {
        name: `${args.namePrefix}-oauth2-proxy`,
        userPoolId: this.userPool.id,
        generateSecret: true,
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ["code"],
        allowedOauthScopes: ["openid", "email", "profile"],
        callbackUrls: hostUrls.map((u) => `${u}/oauth2/callback`),
        // Cognito's /logout redirects only to a registered URL: the signed-out page of the app.
        logoutUrls: [...hostUrls, signedOutUrl(`https://${args.domain}`)],
        supportedIdentityProviders: ["Google"],
        // oauth2-proxy refreshes its session with the refresh token (OAUTH2_PROXY_COOKIE_REFRESH),
        // which is how a user disabled in Cognito loses access.
        explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
        preventUserExistenceErrors: "ENABLED",
        writeAttributes: GOOGLE_WRITE_ATTRIBUTES,
      },
      { parent: this, dependsOn: [google] },
    );

    // A client created through the API gets no branding style, and managed login (version 2)
    // answers "Login pages unavailable" until it has one; Cognito's defaults are enough
    // (https://docs.aws.amazon.com/cognito/latest/developerguide/managed-login-branding.html;
    // https://docs.aws.amazon.com/cli/latest/reference/cognito-idp/update-user-pool-client.html).
    new aws.cognito.ManagedLoginBranding(
      `${name}-branding`,
      {
        userPoolId: this.userPool.id,
        clientId: this.client.id,
        useCognitoProvidedValues: true,
      },
      { parent: this, dependsOn: [domain] },
    );

    this.issuerUrl = pulumi.interpolate`https://cognito-idp.${args.region}.amazonaws.com/${this.userPool.id}`;
    this.clientSecretArn = storedSecret(
      `${name}-client-secret`,
      {
        secretName: `${args.namePrefix}/oauth2-proxy/client-secret`,
        description: "Cognito app client secret used by oauth2-proxy",
        value: this.client.clientSecret,
        tags,
      },
      this,
    ).valueFrom;

    this.registerOutputs({
      userPoolId: this.userPool.id,
      clientId: this.client.id,
      authDomain: this.authDomain,
      issuerUrl: this.issuerUrl,
    });
  }
}

/** The pool's `lambdaConfig` for the triggers given, or undefined when there are none. */
export function cognitoTriggers(
  args: Pick<IdentityArgs, "preSignUp" | "postConfirmation" | "preTokenGeneration">,
): aws.types.input.cognito.UserPoolLambdaConfig | undefined {
  const config: aws.types.input.cognito.UserPoolLambdaConfig = {};
  if (args.preSignUp) config.preSignUp = args.preSignUp.arn;
  if (args.postConfirmation) config.postConfirmation = args.postConfirmation.arn;
  // Version 1 events shape the ID token, the one oauth2-proxy reads, on every feature plan.
  if (args.preTokenGeneration) config.preTokenGenerationConfig = { lambdaArn: args.preTokenGeneration.arn, lambdaVersion: "V1_0" };
  return Object.keys(config).length > 0 ? config : undefined;
}

/**
 * The custom attribute that holds Google's `hd` claim. Declared on every stack, whether or not
 * pluto:requireGoogleWorkspace is on: Cognito lets a pool gain custom attributes but never lose
 * or change one (AddCustomAttributes; the provider refuses "modified or removed" schema items), so
 * turning the setting off again must not touch the schema. Mutable, because Cognito updates mapped
 * attributes at every sign-in and fails on an immutable one; a string up to 253 characters, the
 * longest DNS name (docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-specifying-attribute-mapping.html;
 * docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-custom-attributes).
 */
export const HOSTED_DOMAIN_SCHEMA: aws.types.input.cognito.UserPoolSchema = {
  name: HOSTED_DOMAIN_ATTRIBUTE.slice("custom:".length),
  attributeDataType: "String",
  mutable: true,
  developerOnlyAttribute: false,
  required: false,
  stringAttributeConstraints: { minLength: "0", maxLength: "253" },
};

/**
 * What the app client may write: every attribute the Google mapping sets. Left unset, a client may
 * write only the standard attributes, and Cognito fails a federated sign-in that updates a mapped
 * attribute the client cannot write; a custom one must be listed
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html, WriteAttributes).
 * `username` is the identity's name, not an attribute.
 */
export const GOOGLE_WRITE_ATTRIBUTES = ["email", "email_verified", "name", "given_name", "family_name", "picture", HOSTED_DOMAIN_ATTRIBUTE];
