// Entry point of the CrossGuard pack. Constructing PolicyPack starts the gRPC policy server, so this
// file only assembles; the policies live in modules tests can import.
import { PolicyPack } from "@pulumi/policy";
import { PACK_DESCRIPTION, PACK_NAME, packPolicies } from "./pack";

new PolicyPack(PACK_NAME, { description: PACK_DESCRIPTION, policies: packPolicies });
