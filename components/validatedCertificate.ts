import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export interface ValidatedCertificateArgs {
  /** The certificate's primary name. */
  domainName: string;
  /** Further names on the certificate. Defaults to none. */
  subjectAlternativeNames?: string[];
  /** Route 53 zone that holds the validation records. */
  zoneId: pulumi.Input<string>;
  /**
   * Region to issue the certificate in, through the resource's own `region` input (@pulumi/aws 7),
   * so the stack's provider and every credential setting of the stack (aws:profile,
   * aws:assumeRoles, keys, aws:defaultTags) stay in force. Defaults to the stack's region.
   */
  region?: string;
  tags?: Record<string, string>;
}

/**
 * An ACM certificate that is usable: its DNS validation records exist and ACM has issued it.
 * Consumers must take `certificateArn` from here (the validation), never from the raw certificate,
 * or a listener or Cognito domain may be created with a certificate that is still pending.
 * Give `region` to issue it in another region (Cognito custom domains need us-east-1). Never a second
 * `aws.Provider` for that: an explicit provider reads no stack config, so it would run without the
 * operator's profile, role or default tags (pulumi/pulumi-aws#1307, #3259).
 */
export class ValidatedCertificate extends pulumi.ComponentResource {
  readonly certificate: aws.acm.Certificate;
  readonly validation: aws.acm.CertificateValidation;
  /** ARN of the issued certificate; resolves only after validation completed. */
  readonly certificateArn: pulumi.Output<string>;

  constructor(name: string, args: ValidatedCertificateArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:dns:ValidatedCertificate", name, {}, opts);
    const names = [args.domainName, ...(args.subjectAlternativeNames ?? [])];
    this.certificate = new aws.acm.Certificate(
      `${name}-cert`,
      {
        domainName: args.domainName,
        subjectAlternativeNames: args.subjectAlternativeNames,
        validationMethod: "DNS",
        ...(args.region ? { region: args.region } : {}),
        tags: { Name: name, ...args.tags },
      },
      { parent: this },
    );

    // ACM lists validation options in no guaranteed order, so each record looks up its own name.
    const records = names.map((domain, i) => {
      const option = this.certificate.domainValidationOptions.apply((all) => {
        const found = all.find((o) => o.domainName === domain);
        if (!found) throw new Error(`ACM returned no DNS validation option for ${domain}`);
        return found;
      });
      return new aws.route53.Record(
        `${name}-validation-${i}`,
        {
          zoneId: args.zoneId,
          name: option.resourceRecordName,
          type: option.resourceRecordType,
          records: [option.resourceRecordValue],
          ttl: 300,
          // A wildcard and its apex share one validation record; overwrite rather than fail.
          allowOverwrite: true,
        },
        { parent: this },
      );
    });

    this.validation = new aws.acm.CertificateValidation(
      `${name}-validation`,
      {
        certificateArn: this.certificate.arn,
        validationRecordFqdns: records.map((r) => r.fqdn),
        ...(args.region ? { region: args.region } : {}),
      },
      { parent: this },
    );
    this.certificateArn = this.validation.certificateArn;
    this.registerOutputs({ certificateArn: this.certificateArn });
  }
}
