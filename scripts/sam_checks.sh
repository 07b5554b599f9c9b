#!/usr/bin/env bash
# SAM checks for CI (DESIGN §11), no Docker and no AWS account needed:
#   1. sam validate --lint
#   2. the SAM transform, then cfn-lint on the plain CloudFormation it produces
#      (cfn-lint alone does not look inside AWS::Serverless::* resources)
#   3. `make build` for the template's architecture (BuildMethod makefile:
#      functions/gateway/Makefile, layers/masking/Makefile, wheels from the hashed locks),
#      then scripts/check_build.py: every .so an ELF for that architecture, layer at
#      python/masking, handlers and an executable run.sh, no boto3 packaged, every module
#      precompiled (unchecked-hash .pyc), function + layer under 40 MB unzipped
# The SAM CLI and cfn-lint come from requirements/sam.txt in .venv-sam (`make sam-tools`).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-sam
BUILD_DIR=.aws-sam/checks/build

export SAM_CLI_TELEMETRY=0
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1} AWS_REGION=${AWS_REGION:-us-east-1}
# Nothing here talks to AWS; dummy credentials keep botocore from searching for real ones.
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-testing} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-testing}

stage_start=$SECONDS
stage() { printf '\n== %s\n' "$1"; stage_start=$SECONDS; }
done_stage() { printf -- '-- ok (%ss)\n' "$((SECONDS - stage_start))"; }

[[ -x "$VENV/bin/sam" ]] || { echo "$VENV is missing: run \`make sam-tools\` (or \`make sam-check\`)" >&2; exit 1; }
"$VENV/bin/sam" --version
"$VENV/bin/cfn-lint" --version

stage "sam validate --lint"
"$VENV/bin/sam" validate --lint --template template.yaml
done_stage

stage "SAM transform + cfn-lint on the result"
mkdir -p .aws-sam/checks
"$VENV/bin/python" scripts/sam_transform.py template.yaml .aws-sam/checks/transformed.json
"$VENV/bin/cfn-lint" .aws-sam/checks/transformed.json
echo "cfn-lint: no findings on the transformed template"
done_stage

stage "make build for the template's architecture"
# The Architecture parameter's default is what the template deploys without overrides.
ARCH=$("$VENV/bin/python" -c 'import sys; from samtranslator.yaml_helper import yaml_parse
print(yaml_parse(open(sys.argv[1]).read())["Parameters"]["Architecture"]["Default"])' template.yaml)
make --no-print-directory build ARCH="$ARCH" BUILD_DIR="$BUILD_DIR" 2>&1 \
  | grep -v -e '^\[\*\]' -e '^Commands you can use next' -e '^=====' -e '^$' -e '^WARNING: Location' || {
  echo "make build failed" >&2; exit 1; }
done_stage
echo
echo "sam checks passed"
