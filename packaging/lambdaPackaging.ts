import * as fs from "fs";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";

/**
 * The names in a package.json's `dependencies` and `optionalDependencies`: Pulumi packages both
 * into a function's archive (devDependencies never).
 */
export function productionDependencies(packageJsonPath: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(packageJsonPath, "utf8")) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  return [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})].sort();
}

/**
 * Code-path options for `aws.lambda.CallbackFunction` that keep an archive to the serialised
 * handler alone. By default Pulumi copies every production dependency of the root package
 * (the Pulumi SDKs, the CLI's libraries) into each archive; our handlers need none of them,
 * and the AWS SDK v3 they `require` at run time ships with the Lambda runtime.
 */
export function handlerOnlyCodePaths(packageJsonPath: string = path.join(__dirname, "..", "package.json")): pulumi.runtime.CodePathOptions {
  return { extraExcludePackages: productionDependencies(packageJsonPath) };
}
