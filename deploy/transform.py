#!/usr/bin/env python3
"""Transform AWS SAM templates into CloudFormation offline, as `sam deploy` does.

Usage: python deploy/transform.py TEMPLATE...
       python deploy/transform.py --load TEMPLATE

Prints one JSON array on standard output with an object per template, in
order: {"template": <the CloudFormation template>, "transforms": [<the
template's own Transform list, which the output no longer has>]} or
{"error": "<why the transform failed>"}. It exits 2 on bad usage or a
missing module, else 0. With --load it prints the one template as it is,
read from YAML (short forms such as !Ref in their long form), untransformed:
for checking a template that `sam build` wrote.

It uses the aws-sam-translator of the project's virtual environment with no AWS access: the region
comes from AWS_DEFAULT_REGION (us-east-1 if unset), managed policies resolve
to nothing, a local CodeUri becomes an s3:// URI first (as `sam package`
does), and resource Metadata is kept so that BuildMethod can be checked.
"""

import json
import os
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

try:
    import yaml
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.translator.transform import transform
except ImportError as err:  # pragma: no cover - reported to the Go test
    print(f"transform.py: {err}; pip install aws-sam-translator pyyaml", file=sys.stderr)
    sys.exit(2)

OFFLINE_CODE_URI = "s3://phonepass-offline-check/phonepass.zip"


class NoManagedPolicies:
    """A managed-policy loader that knows no policies and needs no AWS call."""

    def load(self):
        return {}


class CfnLoader(yaml.SafeLoader):
    """A YAML loader that reads CloudFormation short forms such as !Ref."""


def _intrinsic(loader, tag_suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "Condition":
        return {"Condition": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {"Fn::" + tag_suffix: value}


CfnLoader.add_multi_constructor("!", _intrinsic)


def offline_code_uris(template):
    """Replace each function's local CodeUri with an s3:// URI."""
    for res in (template.get("Resources") or {}).values():
        if not isinstance(res, dict) or res.get("Type") != "AWS::Serverless::Function":
            continue
        props = res.setdefault("Properties", {})
        uri = props.get("CodeUri")
        if not (isinstance(uri, str) and uri.startswith("s3://")):
            props["CodeUri"] = OFFLINE_CODE_URI


def load(path):
    """Read a template from YAML, short forms in their long form."""
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=CfnLoader)  # noqa: S506 - SafeLoader subclass


def transform_file(path):
    try:
        template = load(path)
        if not isinstance(template, dict):
            return {"error": f"{path}: not a YAML mapping"}
        transforms = template.get("Transform") or []
        if isinstance(transforms, str):
            transforms = [transforms]
        offline_code_uris(template)
        out = transform(template, {}, NoManagedPolicies(), passthrough_metadata=True)
        return {"template": out, "transforms": transforms}
    except InvalidDocumentException as err:
        return {"error": f"{path}: " + "; ".join(str(c) for c in err.causes)}
    except (OSError, yaml.YAMLError, ValueError, KeyError, TypeError) as err:
        return {"error": f"{path}: {err}"}


def main(argv):
    if len(argv) == 3 and argv[1] == "--load":
        json.dump(load(argv[2]), sys.stdout, default=str)
        sys.stdout.write("\n")
        return 0
    if len(argv) < 2 or argv[1].startswith("--"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    json.dump([transform_file(p) for p in argv[1:]], sys.stdout, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
