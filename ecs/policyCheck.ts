import { containersFromContainerDefinitions } from "../policies/adapters";
import { checkContainers, Finding, mandatoryFindings, RulesConfig } from "../policies/rules";
import { ContainerDefinition } from "../settings/golden";

/** A container configuration the policy pack would block; raised before any resource is created. */
export class PolicyRefusal extends Error {
  constructor(
    readonly component: string,
    readonly findings: Finding[],
  ) {
    super(
      `${component}: refused by policy ${findings.map((f) => f.policy).join(", ")}:\n` +
        findings.map((f) => `  - ${f.policy}${f.container ? ` (${f.container})` : ""}: ${f.message}`).join("\n"),
    );
    this.name = "PolicyRefusal";
  }
}

/** Runs the pack's container rules (the same module the pack uses) and throws on any mandatory finding. */
export function assertContainersPass(component: string, containers: ContainerDefinition[], config?: RulesConfig): void {
  const adapted = containersFromContainerDefinitions(containers);
  if ("unchecked" in adapted) throw new Error(`${component}: cannot check containers: ${adapted.unchecked}`);
  const mandatory = mandatoryFindings(checkContainers(adapted.containers, config));
  if (mandatory.length > 0) throw new PolicyRefusal(component, mandatory);
}
