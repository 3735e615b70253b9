"""Base class giving plugins a readable ``repr`` and value equality."""

import inspect


class Plugin:
    """Plugins store their constructor arguments as attributes of the same name.

    That convention (scikit-learn's for estimators) gives every plugin a repr
    such as ``LeakyReLU(slope=0.2)`` and lets two equal configurations compare
    equal, which keeps ``clone`` and ``GridSearchCV`` output readable.
    """

    def _params(self):
        sig = inspect.signature(type(self).__init__)
        return {
            name: getattr(self, name)
            for name in sig.parameters
            if name != "self" and hasattr(self, name)
        }

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and self._params() == other._params()

    def __hash__(self):
        return hash((type(self).__name__, repr(self)))
