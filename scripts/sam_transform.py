"""Expand the SAM transform offline, so cfn-lint can check what CloudFormation will really get.

cfn-lint on template.yaml only sees `AWS::Serverless::*` shapes: the IAM roles,
permissions, function URL, API Gateway methods and stages that SAM generates stay
invisible to it. This runs the same translator that `sam deploy` triggers
server-side and writes the plain CloudFormation template.

No AWS call is made: managed policies referenced by name are resolved from a
fixed table instead of IAM's ListPolicies (the only network use of the
translator), which is enough because the template names only the AWS-managed
policies SAM adds itself.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class StaticPolicyLoader:
    """Stands in for samtranslator's ManagedPolicyLoader (which calls IAM)."""

    _NAMES = (
        "AWSLambdaBasicExecutionRole",
        "AWSXrayWriteOnlyAccess",
        "AWSXRayDaemonWriteAccess",
        "AWSLambdaRole",
    )

    def load(self) -> dict[str, str]:
        def arn(name: str) -> str:
            path = "service-role/" if name == "AWSLambdaBasicExecutionRole" else ""
            return f"arn:aws:iam::aws:policy/{path}{name}"

        return {name: arn(name) for name in self._NAMES}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: sam_transform.py TEMPLATE.yaml OUT.json", file=sys.stderr)
        return 2
    # The translator asks boto3 for the region to fill AWS::Region; any region
    # gives the same resources.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    # The translator logs feature-toggle lookups it cannot make offline; not findings.
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    template = yaml_parse(Path(argv[1]).read_text())
    # Local paths are what `sam package` turns into S3 URIs; stand in for that
    # step the way `sam validate` does.
    for name, res in template.get("Resources", {}).items():
        props = res.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                props[key] = f"s3://sam-checks-artifacts/{name}.zip"
    pseudo = {
        "AWS::Region": "us-east-1",
        "AWS::Partition": "aws",
        "AWS::AccountId": "123456789012",
        "AWS::StackName": "sam-checks",
        "AWS::URLSuffix": "amazonaws.com",
    }
    output = transform(template, pseudo, StaticPolicyLoader())
    Path(argv[2]).write_text(json.dumps(output, indent=2, sort_keys=True))
    kinds: dict[str, int] = {}
    for res in output["Resources"].values():
        kinds[res["Type"]] = kinds.get(res["Type"], 0) + 1
    problems = hardening_problems(output)
    for problem in problems:
        print(f"HARDENING: {problem}", file=sys.stderr)
    print(f"transformed: {len(output['Resources'])} resources")
    for kind, count in sorted(kinds.items()):
        print(f"  {count:3d}  {kind}")
    return 1 if problems else 0


def hardening_problems(output: dict[str, Any]) -> list[str]:
    """What the SAM transform can add behind the template's back, checked on its output."""
    problems = []
    for name, res in output["Resources"].items():
        props = res.get("Properties", {})
        # A REST deployment with its own StageName creates a second, unthrottled stage.
        if res["Type"] == "AWS::ApiGateway::Deployment" and "StageName" in props:
            problems.append(f"{name} deploys an extra stage {props['StageName']!r}")
        if res["Type"] == "AWS::IAM::Role":
            for policy in props.get("Policies", []):
                for stmt in policy["PolicyDocument"]["Statement"]:
                    actions = stmt["Action"] if isinstance(stmt["Action"], list) else [stmt["Action"]]
                    data_plane = [a for a in actions if a.split(":")[0] in ("secretsmanager", "dynamodb")]
                    if data_plane and stmt.get("Resource") == "*":
                        problems.append(f"{name}: {data_plane} on every resource")
    return problems


if __name__ == "__main__":
    sys.exit(main(sys.argv))
