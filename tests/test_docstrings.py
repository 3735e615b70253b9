"""Every public docstring passes numpydoc's validator (scikit-learn's rules)."""

import importlib
import inspect

import pytest

validate = pytest.importorskip("numpydoc.validate").validate

PUBLIC_MODULES = [
    "sklearn_mathdl",
    "sklearn_mathdl.neural_network",
    "sklearn_mathdl.kernel_ridge",
    "sklearn_mathdl.sentiment",
    "sklearn_mathdl.kolmogorov_arnold",
    "sklearn_mathdl.theory",
    "sklearn_mathdl.datasets",
    "sklearn_mathdl.plugins",
    "sklearn_mathdl.utils",
    "sklearn_mathdl.neural_network.activations",
    "sklearn_mathdl.neural_network.losses",
    "sklearn_mathdl.neural_network.regression_losses",
    "sklearn_mathdl.neural_network.optimizers",
    "sklearn_mathdl.neural_network.schedules",
    "sklearn_mathdl.neural_network.initializers",
    "sklearn_mathdl.kernel_ridge.kernels",
    "sklearn_mathdl.sentiment.tokenizers",
]
# scikit-learn's exceptions (sklearn/tests/test_docstrings.py): RT02 the
# Returns line may name the object, GL01/GL02 summary placement; See Also,
# Examples and the extended summary are asked of classes and functions only.
IGNORED_EVERYWHERE = {"RT02", "GL01", "GL02"}
ONLY_AT_TOP_LEVEL = {"EX01", "SA01", "ES01"}


def _defined_here(obj):
    return getattr(obj, "__module__", "").startswith("sklearn_mathdl")


def _public_objects():
    seen = {}
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        names = getattr(module, "__all__", None)
        if names is None:  # the public names the module itself defines
            names = [
                n
                for n, obj in vars(module).items()
                if not n.startswith("_")
                and getattr(obj, "__module__", None) == module_name
            ]
        for name in names:
            obj = getattr(module, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and _defined_here(obj):
                seen.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
    return seen


def _documenting_class(cls, name):
    """The class in ``cls``'s MRO whose ``name`` carries the docstring: a
    method overriding a documented one without a docstring of its own
    inherits its contract (``inspect.getdoc``'s rule)."""
    for klass in cls.__mro__:
        member = vars(klass).get(name)
        if member is not None and getattr(member, "__doc__", None):
            return klass
    return cls


def _methods(cls):
    for name, member in vars(cls).items():
        if name.startswith("_") and name != "__call__":
            continue
        if inspect.isfunction(member) or isinstance(member, property):
            yield name


def _cases():
    cases = {}
    for path, obj in sorted(_public_objects().items()):
        cases[(path, None)] = None
        if inspect.isclass(obj):
            for name in _methods(obj):
                owner = _documenting_class(obj, name)
                if not _defined_here(owner):
                    continue  # scikit-learn's own docstring
                cases[(f"{owner.__module__}.{owner.__qualname__}", name)] = None
    for path, method in cases:
        label = path if method is None else f"{path}.{method}"
        yield pytest.param(path, method, id=label)


def _errors(path, method):
    module_name, _, qualname = path.rpartition(".")
    target = f"{path}.{method}" if method else path
    result = validate(target)
    for code, message in result["errors"]:
        if code in IGNORED_EVERYWHERE:
            continue
        if method is not None and code in ONLY_AT_TOP_LEVEL:
            continue
        if method is None and code in ONLY_AT_TOP_LEVEL and "." in qualname:
            continue
        yield f"{code}: {message}"


@pytest.mark.parametrize("path, method", list(_cases()))
def test_docstring(path, method):
    errors = list(_errors(path, method))
    assert not errors, "\n".join(errors)
