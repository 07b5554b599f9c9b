"""template.yaml as data: CloudFormation tags, Globals and the intrinsics we use.

The evaluator is deliberately small: it knows Ref, Fn::Sub, Fn::If, Fn::Equals,
Fn::Not, Fn::GetAtt, Fn::Join, Fn::Split, Fn::Select and Fn::FindInMap, and raises on
anything else, so a template change it cannot follow fails the tests loudly
instead of being guessed at.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_TAGS = {
    "Ref": "Ref",
    "Condition": "Condition",
    "GetAtt": "Fn::GetAtt",
    "Sub": "Fn::Sub",
    "If": "Fn::If",
    "Equals": "Fn::Equals",
    "Not": "Fn::Not",
    "And": "Fn::And",
    "Or": "Fn::Or",
    "Join": "Fn::Join",
    "Select": "Fn::Select",
    "Split": "Fn::Split",
    "FindInMap": "Fn::FindInMap",
    "GetAZs": "Fn::GetAZs",
    "ImportValue": "Fn::ImportValue",
    "Base64": "Fn::Base64",
}


class _CfnLoader(yaml.SafeLoader):
    pass


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    key = _TAGS.get(suffix)
    if key is None:
        raise yaml.constructor.ConstructorError(None, None, f"unknown tag !{suffix}", node.start_mark)
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:
        raise yaml.constructor.ConstructorError(None, None, f"bad node for !{suffix}", node.start_mark)
    return {key: value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load(path: Path) -> dict[str, Any]:
    with path.open() as handle:
        data = yaml.load(handle, Loader=_CfnLoader)
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a mapping")
    return data


class UnsupportedIntrinsic(Exception):
    pass


@dataclass
class Resolver:
    """Evaluates intrinsics against parameter defaults and stand-in physical ids."""

    template: Mapping[str, Any]
    refs: dict[str, str] = field(default_factory=dict)
    attrs: dict[tuple[str, str], str] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, spec in self.template.get("Parameters", {}).items():
            if name not in self.parameters and "Default" in spec:
                self.parameters[name] = str(spec["Default"])
        self.pseudo = {
            "AWS::Region": "us-east-1",
            "AWS::Partition": "aws",
            "AWS::AccountId": "123456789012",
            "AWS::StackName": "sam-local",
            "AWS::URLSuffix": "amazonaws.com",
        }

    def condition(self, name: str) -> bool:
        return bool(self.eval(self.template["Conditions"][name]))

    def ref(self, name: str) -> Any:
        if name in self.parameters:
            return self.parameters[name]
        if name in self.pseudo:
            return self.pseudo[name]
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in self.refs:
            return self.refs[name]
        raise UnsupportedIntrinsic(f"Ref {name}: no stand-in value")

    def eval(self, node: Any) -> Any:
        if isinstance(node, list):
            return [v for v in (self.eval(x) for x in node) if v is not _NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Condition":
                return self.condition(arg)
            if key.startswith("Fn::"):
                return self._fn(key, arg)
        out = {}
        for k, v in node.items():
            value = self.eval(v)
            if value is not _NO_VALUE:
                out[k] = value
        return out

    def _fn(self, key: str, arg: Any) -> Any:
        if key == "Fn::Sub":
            text, local = (arg, {}) if isinstance(arg, str) else (arg[0], self.eval(arg[1]))
            return re.sub(r"\$\{([^}!]+)\}", lambda m: self._sub_var(m.group(1), local), text)
        if key == "Fn::If":
            name, then, otherwise = arg
            return self.eval(then if self.condition(name) else otherwise)
        if key == "Fn::Equals":
            left, right = (self.eval(x) for x in arg)
            return str(left) == str(right)
        if key == "Fn::Not":
            return not self.eval(arg[0])
        if key == "Fn::And":
            return all(self.eval(x) for x in arg)
        if key == "Fn::Or":
            return any(self.eval(x) for x in arg)
        if key == "Fn::GetAtt":
            res, attr = arg if isinstance(arg, list) else arg.split(".", 1)
            try:
                return self.attrs[(res, attr)]
            except KeyError:
                raise UnsupportedIntrinsic(f"GetAtt {res}.{attr}: no stand-in value") from None
        if key == "Fn::Join":
            sep, items = arg
            return sep.join(str(x) for x in self.eval(items))
        if key == "Fn::Split":
            sep, text = arg
            return str(self.eval(text)).split(sep)
        if key == "Fn::Select":
            index, items = arg
            return self.eval(items)[int(self.eval(index))]
        if key == "Fn::FindInMap":
            m, k1, k2 = (self.eval(x) for x in arg)
            return self.template["Mappings"][m][k1][k2]
        raise UnsupportedIntrinsic(key)

    def _sub_var(self, name: str, local: Mapping[str, Any]) -> str:
        if name in local:
            return str(local[name])
        if "." in name:
            res, attr = name.split(".", 1)
            return str(self._fn("Fn::GetAtt", [res, attr]))
        return str(self.ref(name))


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


_NO_VALUE = _NoValue()


@dataclass(frozen=True)
class Layer:
    """A layer: ours (a local ContentUri, mounted as /opt/python) or an ARN."""

    logical_id: str | None
    content_dir: Path | None
    arn: str | None

    @property
    def is_web_adapter(self) -> bool:
        return bool(self.arn and ":753240598075:layer:LambdaAdapterLayer" in self.arn)


@dataclass(frozen=True)
class Function:
    logical_id: str
    handler: str
    code_dir: Path
    runtime: str
    architectures: tuple[str, ...]
    timeout: int
    memory: int
    layers: tuple[Layer, ...]
    environment: dict[str, str]
    properties: dict[str, Any]

    @property
    def uses_web_adapter(self) -> bool:
        return any(layer.is_web_adapter for layer in self.layers)

    @property
    def local_layer_dirs(self) -> tuple[Path, ...]:
        return tuple(layer.content_dir for layer in self.layers if layer.content_dir is not None)


def merged_properties(template: Mapping[str, Any], logical_id: str) -> dict[str, Any]:
    """Function properties with Globals applied as SAM does.

    Maps merge (function wins), lists are additive (Globals first), scalars are
    overridden by the function.
    """
    globals_ = copy.deepcopy(template.get("Globals", {}).get("Function", {}))
    own = copy.deepcopy(template["Resources"][logical_id].get("Properties", {}))
    merged: dict[str, Any] = _merge(globals_, own)
    return merged


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    if isinstance(base, list) and isinstance(over, list):
        return base + over
    return over


def functions(template: Mapping[str, Any], root: Path, resolver: Resolver) -> dict[str, Function]:
    out: dict[str, Function] = {}
    resources = template["Resources"]
    for logical_id, res in resources.items():
        if res.get("Type") != "AWS::Serverless::Function":
            continue
        props = merged_properties(template, logical_id)
        layers = []
        for entry in props.get("Layers", []):
            if isinstance(entry, dict) and set(entry) == {"Ref"} and entry["Ref"] in resources:
                layer_res = resources[entry["Ref"]]
                content = layer_res["Properties"]["ContentUri"]
                layers.append(Layer(entry["Ref"], (root / content).resolve(), None))
            else:
                layers.append(Layer(None, None, str(resolver.eval(entry))))
        env = resolver.eval(props.get("Environment", {}).get("Variables", {}))
        out[logical_id] = Function(
            logical_id=logical_id,
            handler=props["Handler"],
            code_dir=(root / props["CodeUri"]).resolve(),
            runtime=props["Runtime"],
            architectures=tuple(resolver.eval(props.get("Architectures", ["x86_64"]))),
            timeout=int(resolver.eval(props.get("Timeout", 3))),
            memory=int(resolver.eval(props.get("MemorySize", 128))),
            layers=tuple(layers),
            environment={k: str(v) for k, v in env.items()},
            properties=props,
        )
    return out
