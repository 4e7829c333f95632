/**
 * On-Demand list prices (USD) used by `pluto plan-summary`. AWS changes prices; this table is a
 * snapshot, dated below, and the summary prints the date with every estimate.
 *
 * Sources (per service, public pricing pages): https://aws.amazon.com/fargate/pricing/,
 * https://aws.amazon.com/elasticloadbalancing/pricing/, https://aws.amazon.com/vpc/pricing/
 * (NAT gateway, public IPv4), https://aws.amazon.com/rds/postgresql/pricing/,
 * https://aws.amazon.com/efs/pricing/, https://aws.amazon.com/elasticache/pricing/,
 * https://aws.amazon.com/cloudwatch/pricing/, https://aws.amazon.com/secrets-manager/pricing/,
 * https://aws.amazon.com/kms/pricing/, https://aws.amazon.com/waf/pricing/,
 * https://aws.amazon.com/backup/pricing/. The us-east-1 Fargate rates were cross-checked against
 * vantage.sh/blog/fargate-pricing and wring.co/blog/aws-fargate-pricing-guide (2026-03).
 */
import { parseBedrockModelId } from "../../config/models";

export const PRICES_AS_OF = "2026-11-29";
export const FALLBACK_REGION = "us-east-1";
export const HOURS_PER_MONTH = 730;

export interface RegionPrices {
  /** Fargate Linux/x86, per vCPU-hour and per GB-hour. */
  fargateVcpuHour: number;
  fargateGbHour: number;
  /** Application Load Balancer, per hour and per LCU-hour. */
  albHour: number;
  albLcuHour: number;
  /** NAT gateway, per hour and per GB processed. */
  natHour: number;
  natGb: number;
  /** Public IPv4 address, per hour (ALB nodes, NAT gateways, tasks with a public IP). */
  publicIpv4Hour: number;
  /** RDS for PostgreSQL Single-AZ, per instance-hour (Multi-AZ is twice this). */
  rdsPostgresHour: Record<string, number>;
  /** RDS gp3 storage, per GB-month (Multi-AZ is twice this). */
  rdsGp3GbMonth: number;
  /** EFS Standard storage, per GB-month. */
  efsStandardGbMonth: number;
  /** ElastiCache (Redis OSS) on-demand node, per hour. */
  elasticacheHour: Record<string, number>;
  /** CloudWatch Logs ingestion per GB, storage per GB-month, standard alarm per month. */
  logsIngestGb: number;
  logsStoreGbMonth: number;
  alarmMonth: number;
  /** Secrets Manager, per secret-month. */
  secretMonth: number;
  /** KMS customer managed key, per key-month. */
  kmsKeyMonth: number;
  /** WAF: per web ACL-month, per rule-month (a managed rule group counts as one), per million requests. */
  wafAclMonth: number;
  wafRuleMonth: number;
  wafMillionRequests: number;
  /** AWS Backup, EFS warm backup storage per GB-month. */
  backupEfsGbMonth: number;
  /**
   * CloudWatch custom metric, per metric-month (first 10,000). Container Insights metrics are billed
   * as custom metrics (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-container-insights.html).
   */
  customMetricMonth: number;
}

const US: RegionPrices = {
  fargateVcpuHour: 0.04048,
  fargateGbHour: 0.004445,
  albHour: 0.0225,
  albLcuHour: 0.008,
  natHour: 0.045,
  natGb: 0.045,
  publicIpv4Hour: 0.005,
  rdsPostgresHour: {
    "db.t4g.micro": 0.016,
    "db.t4g.small": 0.032,
    "db.t4g.medium": 0.065,
    "db.t4g.large": 0.129,
    "db.t3.micro": 0.018,
    "db.t3.small": 0.036,
    "db.t3.medium": 0.072,
    "db.t3.large": 0.145,
    "db.m6g.large": 0.159,
    "db.m7g.large": 0.168,
  },
  rdsGp3GbMonth: 0.115,
  efsStandardGbMonth: 0.3,
  elasticacheHour: {
    "cache.t4g.micro": 0.016,
    "cache.t4g.small": 0.032,
    "cache.t4g.medium": 0.065,
    "cache.t3.micro": 0.017,
    "cache.t3.small": 0.034,
    "cache.t3.medium": 0.068,
  },
  logsIngestGb: 0.5,
  logsStoreGbMonth: 0.03,
  alarmMonth: 0.1,
  secretMonth: 0.4,
  kmsKeyMonth: 1.0,
  wafAclMonth: 5.0,
  wafRuleMonth: 1.0,
  wafMillionRequests: 0.6,
  backupEfsGbMonth: 0.05,
  customMetricMonth: 0.3,
};

/** Regions with their own rows. Anything else falls back to `FALLBACK_REGION` with a warning. */
export const PRICES: Record<string, RegionPrices> = {
  "us-east-1": US,
  "us-west-2": US,
  "eu-west-1": {
    ...US,
    albHour: 0.0252,
    natHour: 0.048,
    natGb: 0.048,
    rdsPostgresHour: {
      "db.t4g.micro": 0.017,
      "db.t4g.small": 0.034,
      "db.t4g.medium": 0.068,
      "db.t4g.large": 0.136,
      "db.t3.micro": 0.019,
      "db.t3.small": 0.038,
      "db.t3.medium": 0.076,
      "db.t3.large": 0.152,
      "db.m6g.large": 0.168,
      "db.m7g.large": 0.178,
    },
    rdsGp3GbMonth: 0.127,
    efsStandardGbMonth: 0.33,
    elasticacheHour: {
      "cache.t4g.micro": 0.0172,
      "cache.t4g.small": 0.034,
      "cache.t4g.medium": 0.068,
      "cache.t3.micro": 0.018,
      "cache.t3.small": 0.036,
      "cache.t3.medium": 0.073,
    },
    logsIngestGb: 0.57,
    backupEfsGbMonth: 0.055,
  },
  "eu-central-1": {
    ...US,
    fargateVcpuHour: 0.04656,
    fargateGbHour: 0.00511,
    albHour: 0.027,
    albLcuHour: 0.0096,
    natHour: 0.052,
    natGb: 0.052,
    rdsPostgresHour: {
      "db.t4g.micro": 0.019,
      "db.t4g.small": 0.037,
      "db.t4g.medium": 0.074,
      "db.t4g.large": 0.148,
      "db.t3.micro": 0.021,
      "db.t3.small": 0.041,
      "db.t3.medium": 0.082,
      "db.t3.large": 0.164,
      "db.m6g.large": 0.181,
      "db.m7g.large": 0.191,
    },
    rdsGp3GbMonth: 0.137,
    efsStandardGbMonth: 0.36,
    elasticacheHour: {
      "cache.t4g.micro": 0.018,
      "cache.t4g.small": 0.036,
      "cache.t4g.medium": 0.073,
      "cache.t3.micro": 0.019,
      "cache.t3.small": 0.039,
      "cache.t3.medium": 0.078,
    },
    logsIngestGb: 0.63,
    logsStoreGbMonth: 0.0324,
    backupEfsGbMonth: 0.06,
  },
};

/** The prices for `region`, or the fallback region's with a warning naming both. */
export function pricesFor(region: string): { prices: RegionPrices; priceRegion: string; warning?: string } {
  const own = PRICES[region];
  if (own) return { prices: own, priceRegion: region };
  return {
    prices: PRICES[FALLBACK_REGION],
    priceRegion: FALLBACK_REGION,
    warning: `no prices for ${region} in cli/plan/prices.ts (regions: ${Object.keys(PRICES).join(", ")}); showing ${FALLBACK_REGION} prices, which are usually the lowest`,
  };
}

/**
 * Bedrock On-Demand prices, USD per million tokens (input, output), for the models
 * `pluto:models.bedrock.models` usually names, in us-east-1. Source: https://aws.amazon.com/bedrock/pricing/
 * (Anthropic and Amazon Nova tables), transcribed as of the date below; no internet on the machine
 * that wrote this table, so check the page before relying on it. Other regions and regional
 * cross-Region profiles can cost more (Anthropic's newer models list a premium for regional
 * endpoints); batch, cached-prompt and provisioned prices are lower and not used here.
 */
export const MODEL_PRICES_AS_OF = "2025-11-30";
export const MODEL_PRICES_SOURCE = "https://aws.amazon.com/bedrock/pricing/";

export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

export const MODEL_PRICES: Record<string, ModelPrice> = {
  "anthropic.claude-3-haiku-20240307-v1:0": { inputPerMillion: 0.25, outputPerMillion: 1.25 },
  "anthropic.claude-3-5-haiku-20241022-v1:0": { inputPerMillion: 0.8, outputPerMillion: 4 },
  "anthropic.claude-haiku-4-5-20251001-v1:0": { inputPerMillion: 1, outputPerMillion: 5 },
  "anthropic.claude-3-5-sonnet-20240620-v1:0": { inputPerMillion: 3, outputPerMillion: 15 },
  "anthropic.claude-3-5-sonnet-20241022-v2:0": { inputPerMillion: 3, outputPerMillion: 15 },
  "anthropic.claude-3-7-sonnet-20250219-v1:0": { inputPerMillion: 3, outputPerMillion: 15 },
  "anthropic.claude-sonnet-4-20250514-v1:0": { inputPerMillion: 3, outputPerMillion: 15 },
  "anthropic.claude-sonnet-4-5-20250929-v1:0": { inputPerMillion: 3, outputPerMillion: 15 },
  "anthropic.claude-opus-4-20250514-v1:0": { inputPerMillion: 15, outputPerMillion: 75 },
  "anthropic.claude-opus-4-1-20250805-v1:0": { inputPerMillion: 15, outputPerMillion: 75 },
  "amazon.nova-micro-v1:0": { inputPerMillion: 0.035, outputPerMillion: 0.14 },
  "amazon.nova-lite-v1:0": { inputPerMillion: 0.06, outputPerMillion: 0.24 },
  "amazon.nova-pro-v1:0": { inputPerMillion: 0.8, outputPerMillion: 3.2 },
  "amazon.nova-premier-v1:0": { inputPerMillion: 2.5, outputPerMillion: 12.5 },
  "meta.llama3-3-70b-instruct-v1:0": { inputPerMillion: 0.72, outputPerMillion: 0.72 },
};

/**
 * The price of a model id or system inference profile id (`us.`, `eu.`, `apac.`, `global.`, …
 * before the model id, config/models.ts), or undefined when the table does not have it.
 */
export function modelPrice(id: string): ModelPrice | undefined {
  const parsed = parseBedrockModelId(id);
  return MODEL_PRICES[parsed?.kind === "inference-profile" ? parsed.foundationModelId : id];
}
