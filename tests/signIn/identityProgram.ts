// A program holding only Identity with all three Lambda triggers, for synthesize(): it shows
// the wiring `index.ts` gets once every trigger function exists (PreSignUp comes from onboarding).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Identity } from "../../components/identity";

const trigger = (name: string) =>
  new aws.lambda.Function(name, {
    name,
    role: "arn:aws:iam::123456789012:role/trigger",
    runtime: aws.lambda.Runtime.NodeJS22dX,
    handler: "index.handler",
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async (e) => e;") }),
  });

const appRecord = new aws.route53.Record("app", { zoneId: "Z0123456789", name: "pluto.example.com", type: "A", records: ["192.0.2.1"], ttl: 60 });
const identity = new Identity("pluto-identity", {
  namePrefix: "pluto",
  domain: "pluto.example.com",
  region: "us-west-2",
  zoneId: "Z0123456789",
  appRecord,
  googleClientId: "123-abc.apps.googleusercontent.com",
  googleClientSecret: pulumi.secret("s3cret"),
  preSignUp: trigger("pluto-cognito-presignup"),
  postConfirmation: trigger("pluto-cognito-postconfirm"),
  preTokenGeneration: trigger("pluto-cognito-name-claim"),
});

export const userPoolId = identity.userPool.id;
