import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

/**
 * Pulumi mocks that answer like AWS would: ids, ARNs, endpoints and the outputs of remote
 * `awsx` components (which register a single resource and no children under mocks).
 * Deterministic (derived from the resource name) so that two synths of the same config match.
 */
export const ACCOUNT_ID = "123456789012";

function hex(seed: string, len: number): string {
  return crypto.createHash("sha256").update(seed).digest("hex").slice(0, len);
}

function service(type: string): string {
  // "aws:secretsmanager/secret:Secret" -> "secretsmanager"
  return type.split(":")[1]?.split("/")[0] ?? "unknown";
}

/**
 * Models AWS serves only through inference profiles: GetFoundationModel reports
 * inferenceTypesSupported [INFERENCE_PROFILE], and a direct call fails with "Invocation of model ID
 * anthropic.claude-3-7-sonnet-20250219-v1:0 with on-demand throughput isn't supported".
 */
export const INFERENCE_PROFILE_ONLY_MODELS = ["anthropic.claude-3-7-sonnet-20250219-v1:0"];

/**
 * Destination Regions of system inference profiles by prefix, as the Bedrock guide lists them for
 * Anthropic Claude (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html);
 * a profile's real list depends on the model, which is why the program asks GetInferenceProfile.
 */
const PROFILE_REGIONS: Record<string, string[]> = {
  us: ["us-east-1", "us-east-2", "us-west-2"],
  eu: ["eu-central-1", "eu-north-1", "eu-west-1", "eu-west-3"],
  apac: ["ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2"],
};

/**
 * The resource inputs the mocks read, each under the name and type of the provider's argument
 * (Pulumi passes them untyped: `MockResourceArgs.inputs` is `any`).
 */
interface MockInputs {
  region?: string;
  name?: string;
  namePrefix?: string;
  arn?: string;
  numberOfAvailabilityZones?: number;
  vpcId?: string;
  domainName?: string;
  subjectAlternativeNames?: string[];
  certificateArn?: string;
  zoneId?: string;
  type?: string;
  domain?: string;
  identifier?: string;
  port?: number;
  secretId?: string;
  secretString?: string;
  family?: string;
  replicationGroupId?: string;
  bucket?: string;
  length?: number;
  upper?: boolean;
  byteLength?: number;
}

/** The function arguments the mocks read (`MockCallArgs.inputs` is `any` as well). */
interface MockCallInputs {
  region?: string;
  modelId?: string;
  inferenceProfileId?: string;
  arn?: string;
  name?: string;
  subnetId?: string;
}

export class PlutoMocks implements pulumi.runtime.Mocks {
  constructor(readonly region: string = "us-west-2") {}

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const { type, name } = args;
    const inputs = args.inputs as MockInputs;
    const region = inputs.region ?? this.region;
    const arnOf = (svc: string, resource: string) => `arn:aws:${svc}:${region}:${ACCOUNT_ID}:${resource}`;
    const h = hex(`${type}/${name}`, 17);
    const out = (id: string, extra: Record<string, unknown> = {}) => ({ id, state: { ...inputs, ...extra } });
    switch (type) {
      case "awsx:ec2:Vpc": {
        const azs = ["a", "b", "c"].slice(0, inputs.numberOfAvailabilityZones ?? 2);
        return out(`vpc-${h}`, {
          vpcId: `vpc-${h}`,
          publicSubnetIds: azs.map((az) => `subnet-pub${az}${h.slice(0, 8)}`),
          privateSubnetIds: azs.map((az) => `subnet-prv${az}${h.slice(0, 8)}`),
          isolatedSubnetIds: [],
          natGateways: [],
          subnets: [],
        });
      }
      case "aws:ec2/securityGroup:SecurityGroup":
        return out(`sg-${h}`, { arn: arnOf("ec2", `security-group/sg-${h}`), vpcId: inputs.vpcId });
      case "aws:lb/loadBalancer:LoadBalancer":
        return out(arnOf("elasticloadbalancing", `loadbalancer/app/${name}/${h.slice(0, 16)}`), {
          arn: arnOf("elasticloadbalancing", `loadbalancer/app/${name}/${h.slice(0, 16)}`),
          arnSuffix: `app/${name}/${h.slice(0, 16)}`,
          dnsName: `${name}-${h.slice(0, 9)}.${region}.elb.amazonaws.com`,
          zoneId: "Z1H1FL5HABSF5",
        });
      case "aws:lb/targetGroup:TargetGroup":
      case "aws:lb/listener:Listener":
      case "aws:lb/listenerRule:ListenerRule": {
        const kind = ({ TargetGroup: "targetgroup", Listener: "listener", ListenerRule: "listener-rule" } as Record<string, string>)[type.split(":").pop()!];
        const arn = arnOf("elasticloadbalancing", `${kind}/${name}/${h.slice(0, 16)}`);
        return out(arn, { arn, arnSuffix: `${kind}/${name}/${h.slice(0, 16)}` });
      }
      case "aws:acm/certificate:Certificate": {
        const arn = arnOf("acm", `certificate/${h}`);
        return out(arn, {
          arn,
          domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])]
            .filter((d) => d !== undefined)
            .map((d) => ({
              domainName: d,
              resourceRecordName: `_${hex(d, 12)}.${d}.`,
              resourceRecordType: "CNAME",
              resourceRecordValue: `_${hex(d + "v", 12)}.acm-validations.aws.`,
            })),
        });
      }
      case "aws:acm/certificateValidation:CertificateValidation":
        return out(`${name}-validation`, { certificateArn: inputs.certificateArn });
      case "aws:route53/record:Record":
        return out(`${inputs.zoneId}_${inputs.name}_${inputs.type}`, { fqdn: inputs.name });
      case "aws:cognito/userPool:UserPool": {
        const id = `${region}_${h.slice(0, 9)}`;
        return out(id, { arn: arnOf("cognito-idp", `userpool/${id}`), endpoint: `cognito-idp.${region}.amazonaws.com/${id}` });
      }
      case "aws:cognito/userPoolClient:UserPoolClient":
        return out(hex(name, 26), { clientSecret: hex(name + "secret", 40) });
      case "aws:cognito/userPoolDomain:UserPoolDomain":
        return out(inputs.domain ?? name, {
          cloudfrontDistribution: `d${h.slice(0, 13)}.cloudfront.net`,
          cloudfrontDistributionZoneId: "Z2FDTNDATAQYW2",
        });
      case "aws:rds/instance:Instance":
        return out(`db-${h}`, {
          arn: arnOf("rds", `db:${inputs.identifier ?? name}`),
          address: `${inputs.identifier ?? name}.${h.slice(0, 12)}.${region}.rds.amazonaws.com`,
          endpoint: `${inputs.identifier ?? name}.${h.slice(0, 12)}.${region}.rds.amazonaws.com:5432`,
          port: inputs.port ?? 5432,
        });
      case "aws:efs/fileSystem:FileSystem":
        return out(`fs-${h}`, { arn: arnOf("elasticfilesystem", `file-system/fs-${h}`) });
      case "aws:efs/accessPoint:AccessPoint":
        return out(`fsap-${h}`, { arn: arnOf("elasticfilesystem", `access-point/fsap-${h}`) });
      case "aws:secretsmanager/secret:Secret": {
        // With `namePrefix` the AWS provider appends a 26-character unique id (terraform-provider-aws
        // internal/create `Name` → `id.PrefixedUniqueId`); Secrets Manager then adds "-" and 6 characters to the ARN.
        const secretName = inputs.name ?? (inputs.namePrefix !== undefined ? `${inputs.namePrefix}${hex(name, 26)}` : name);
        const arn = arnOf("secretsmanager", `secret:${secretName}-${h.slice(0, 6)}`);
        return out(arn, { arn, name: secretName });
      }
      case "aws:kms/key:Key": {
        // CreateKey: the id is the key id (a UUID), the ARN `arn:aws:kms:REGION:ACCOUNT:key/<id>`.
        const keyId = h.padEnd(32, "0").replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, "$1-$2-$3-$4-$5");
        return out(keyId, { arn: arnOf("kms", `key/${keyId}`), keyId });
      }
      case "aws:secretsmanager/secretVersion:SecretVersion": {
        // PutSecretValue answers with the secret's ARN and the new version id; the resource id is `arn|versionId`.
        // Another value is another version, with another id.
        const versionId = hex(`${name}/version/${JSON.stringify(inputs.secretString ?? null)}`, 32).replace(
          /^(.{8})(.{4})(.{4})(.{4})(.{12})$/,
          "$1-$2-$3-$4-$5",
        );
        return out(`${inputs.secretId}|${versionId}`, { arn: inputs.secretId, secretArn: inputs.secretId, versionId, versionStages: ["AWSCURRENT"] });
      }
      case "aws:sqs/queue:Queue": {
        const qname = inputs.name ?? name;
        return out(`https://sqs.${region}.amazonaws.com/${ACCOUNT_ID}/${qname}`, {
          arn: arnOf("sqs", qname),
          url: `https://sqs.${region}.amazonaws.com/${ACCOUNT_ID}/${qname}`,
          name: qname,
        });
      }
      case "aws:sns/topic:Topic":
        return out(arnOf("sns", inputs.name ?? name), { arn: arnOf("sns", inputs.name ?? name) });
      case "aws:lambda/function:Function": {
        const fname = inputs.name ?? `${name}-${h.slice(0, 7)}`;
        const arn = arnOf("lambda", `function:${fname}`);
        return out(fname, {
          arn,
          name: fname,
          qualifiedArn: `${arn}:$LATEST`,
          invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        });
      }
      case "aws:iam/role:Role":
      case "aws:iam/policy:Policy": {
        const rname = inputs.name ?? `${name}-${h.slice(0, 7)}`;
        return out(rname, { arn: `arn:aws:iam::${ACCOUNT_ID}:${type.includes("role") ? "role" : "policy"}/${rname}`, name: rname });
      }
      case "aws:ecs/cluster:Cluster":
        return out(arnOf("ecs", `cluster/${inputs.name ?? name}`), { arn: arnOf("ecs", `cluster/${inputs.name ?? name}`), name: inputs.name ?? name });
      case "aws:ecs/taskDefinition:TaskDefinition": {
        const arn = arnOf("ecs", `task-definition/${inputs.family}:1`);
        return out(arn, { arn, revision: 1, arnWithoutRevision: arnOf("ecs", `task-definition/${inputs.family}`) });
      }
      // AllocateAddress (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AllocateAddress.html):
      // the resource's id is the allocation id.
      case "aws:ec2/eip:Eip":
        return out(`eipalloc-${h}`, { allocationId: `eipalloc-${h}`, publicIp: `198.51.100.${parseInt(h.slice(0, 2), 16) % 250}`, domain: "vpc" });
      case "aws:ec2/natGateway:NatGateway":
        return out(`nat-${h}`);
      case "aws:ecs/service:Service":
        return out(arnOf("ecs", `service/${inputs.name ?? name}`), { name: inputs.name ?? name });
      case "aws:cloudwatch/logGroup:LogGroup":
        return out(inputs.name ?? name, { arn: arnOf("logs", `log-group:${inputs.name ?? name}`) });
      case "aws:elasticache/replicationGroup:ReplicationGroup":
        return out(inputs.replicationGroupId ?? name, { primaryEndpointAddress: `master.${name}.${h.slice(0, 6)}.${region}.cache.amazonaws.com`, port: 6379 });
      case "random:index/randomPassword:RandomPassword":
        return out(`${name}-id`, { result: "M0ckRandomValue" + hex(name, Math.max(0, (inputs.length ?? 32) - 15)) });
      case "random:index/randomString:RandomString": {
        // Only the character classes Pluto uses: lower-case letters and digits unless `upper` is left on.
        const chars = "abcdefghijklmnopqrstuvwxyz0123456789" + (inputs.upper === false ? "" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        const bytes = crypto.createHash("sha256").update(`${type}/${name}`).digest();
        const result = Array.from({ length: inputs.length ?? 16 }, (_, i) => chars[bytes[i % bytes.length] % chars.length]).join("");
        return out(`${name}-id`, { result });
      }
      case "random:index/randomId:RandomId": {
        const hexValue = hex(name, (inputs.byteLength ?? 8) * 2);
        return out(`${name}-id`, { hex: hexValue, b64Url: Buffer.from(hexValue, "hex").toString("base64url"), dec: BigInt(`0x${hexValue}`).toString() });
      }
      case "aws:rds/parameterGroup:ParameterGroup":
      case "aws:s3/bucket:Bucket": {
        // Auto-named like Pulumi does: the logical name, "-" and 7 random hex digits.
        const physical = inputs.name ?? inputs.bucket ?? `${name}-${h.slice(0, 7)}`;
        const svc = type.startsWith("aws:s3") ? "s3" : "rds";
        const arn = svc === "s3" ? `arn:aws:s3:::${physical}` : arnOf("rds", `pg:${physical}`);
        return out(physical, { arn, name: physical, bucket: physical });
      }
      case "random:index/randomBytes:RandomBytes":
        return out(`${name}-id`, {
          base64: Buffer.from(hex(name, (inputs.length ?? 32) * 2), "hex").toString("base64"),
          hex: hex(name, (inputs.length ?? 32) * 2),
        });
      default: {
        const id = `${name}-${h.slice(0, 8)}`;
        return out(id, type.startsWith("aws:") ? { arn: inputs.arn ?? arnOf(service(type), `${name}`) } : {});
      }
    }
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    const inputs = args.inputs as MockCallInputs;
    switch (args.token) {
      case "aws:index/getRegion:getRegion":
        return { name: this.region, region: this.region, id: this.region };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/synth`, userId: "AIDSYNTH" };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com" };
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        return { names: ["a", "b", "c"].map((z) => this.region + z), zoneIds: ["1", "2", "3"].map((z) => `usw2-az${z}`) };
      // GetFoundationModel (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetFoundationModel.html):
      // modelArn has no account; inferenceTypesSupported says whether the id may be called directly.
      case "aws:bedrockfoundation/getModel:getModel": {
        const region = String(inputs.region ?? this.region);
        const modelId = String(inputs.modelId);
        return {
          id: modelId,
          modelId,
          region,
          modelArn: `arn:aws:bedrock:${region}::foundation-model/${modelId}`,
          inferenceTypesSupporteds: INFERENCE_PROFILE_ONLY_MODELS.includes(modelId) ? ["INFERENCE_PROFILE"] : ["ON_DEMAND"],
          providerName: modelId.split(".")[0],
          responseStreamingSupported: true,
          inputModalities: ["TEXT"],
          outputModalities: ["TEXT"],
          customizationsSupporteds: [],
        };
      }
      // GetInferenceProfile (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetInferenceProfile.html):
      // the profile's ARN in the calling (source) Region and one foundation-model ARN per destination Region.
      case "aws:bedrock/getInferenceProfile:getInferenceProfile": {
        const region = String(inputs.region ?? this.region);
        const id = String(inputs.inferenceProfileId);
        const [prefix, ...rest] = id.split(".");
        const modelId = rest.join(".");
        return {
          inferenceProfileId: id,
          region,
          status: "ACTIVE",
          type: "SYSTEM_DEFINED",
          inferenceProfileArn: `arn:aws:bedrock:${region}:${ACCOUNT_ID}:inference-profile/${id}`,
          inferenceProfileName: `${prefix.toUpperCase()} ${modelId}`,
          models: (PROFILE_REGIONS[prefix] ?? [region]).map((r) => ({ modelArn: `arn:aws:bedrock:${r}::foundation-model/${modelId}` })),
        };
      }
      // DescribeSecret (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html):
      // the secret's full ARN (name + "-" + 6 characters) for the ARN it was asked about.
      case "aws:secretsmanager/getSecret:getSecret": {
        const arn = String(inputs.arn);
        return { arn, id: arn, name: arn.replace(/^.*:secret:/, "").replace(/-[A-Za-z0-9]{6}$/, ""), tags: {} };
      }
      // DescribeRouteTables filtered by association.subnet-id
      // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRouteTables.html):
      // the table explicitly associated with the subnet (awsx gives every subnet its own).
      case "aws:ec2/getRouteTable:getRouteTable": {
        const routeTableId = `rtb-${hex(String(inputs.subnetId), 17)}`;
        return { id: routeTableId, routeTableId, subnetId: inputs.subnetId, associations: [{ subnetId: inputs.subnetId, routeTableId, main: false }] };
      }
      case "aws:route53/getZone:getZone":
        return { zoneId: `Z${hex(String(inputs.name), 13).toUpperCase()}`, name: inputs.name, id: `Z${hex(String(inputs.name), 13).toUpperCase()}` };
      default:
        return args.inputs as pulumi.runtime.MockCallResult;
    }
  }
}
