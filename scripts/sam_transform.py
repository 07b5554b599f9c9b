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
import os
import sys
from pathlib import Path

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
        return {
            name: f"arn:aws:iam::aws:policy/{'service-role/' if name == 'AWSLambdaBasicExecutionRole' else ''}{name}"
            for name in self._NAMES
        }


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: sam_transform.py TEMPLATE.yaml OUT.json", file=sys.stderr)
        return 2
    # The translator asks boto3 for the region to fill AWS::Region; any region
    # gives the same resources.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
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
    print(f"transformed: {len(output['Resources'])} resources")
    for kind, count in sorted(kinds.items()):
        print(f"  {count:3d}  {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
