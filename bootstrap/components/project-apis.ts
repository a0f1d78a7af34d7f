import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface ProjectApisArgs {
  readonly project: string;
  readonly apis: readonly string[];
}

/** The GCP APIs of one project. Never disabled on destroy: other stacks' resources depend on them. */
export class ProjectApis extends pulumi.ComponentResource {
  readonly services: gcp.projects.Service[];

  constructor(name: string, args: ProjectApisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rollout:bootstrap:ProjectApis", name, {}, opts);
    this.services = args.apis.map(
      (api) =>
        new gcp.projects.Service(
          `${name}-${api.split(".")[0]}`,
          {
            project: args.project,
            service: api,
            disableOnDestroy: false,
            disableDependentServices: false,
          },
          { parent: this },
        ),
    );
    this.registerOutputs({ apis: args.apis });
  }
}
